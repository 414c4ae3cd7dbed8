def test_api_courts_in_scope_only(api, judge_xixia):
    response = api.as_officer(judge_xixia).get("/api/v1/courts/")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()] == ["宁0105"]


def test_out_of_scope_court_answers_404(api, judge_xixia, courts):
    response = api.as_officer(judge_xixia).get(f"/api/v1/courts/{courts['宁0424'].pk}/")
    assert response.status_code == 404
