"""Shared API test mixins (after NetBox's `APIViewTestCases`): a ViewSet gets list / retrieve / create /
filter / out-of-scope-404 / idempotency tests from a few class attributes.

Usage (in tests/<area>/test_api_*.py):

    class TestCaseAPI(APIViewTestCases.ReadOnly, APIViewTestCases.Create, APIViewTestCases.Filter):
        url = "/api/v1/cases/"
        model = Case
        persona = "judge_xixia"              # fixture name: an officer or a partner fixture
        in_scope_court = "宁0105"            # a court the persona sees
        out_of_scope_court = "宁0424"        # a court the persona must not see
        filterset_class = CaseFilterSet
        filter_exempt_fields = {"tags"}      # model fields that need no filter, with a reason in a comment

        def make_object(self, court):        # build one object owned by `court` (a Court)
            return CaseFactory(court=court)

        def create_payload(self, courts):    # a valid POST body (courts: {code: Court})
            return {...}

        def invalid_payloads(self, courts):  # [(body, "field that must carry the error"), ...]
            return [...]

        def filter_cases(self, courts):      # [(params, object that must match, object that must not), ...]
            a, b = ...
            return [({"status": "filed"}, a, b)]

Only subclasses whose names start with `Test` are collected; the mixins themselves are not.
Every test here can fail: each asserts on ids it created, never on "whatever came back".
"""

import uuid

import pytest

__all__ = ["APIViewTestCases", "as_persona", "results"]


def results(response):
    """The list of objects in a response, paginated (`{"results": [...]}`) or not."""
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def ids(response):
    return {row["id"] for row in results(response)}


def as_persona(api, actor):
    """Authenticate `api` as an officer fixture or a partner fixture (which carries `raw_key`)."""
    return api.as_partner(actor) if hasattr(actor, "key_hash") else api.as_officer(actor)


class _Base:
    url = None
    model = None
    persona = "judge_xixia"
    in_scope_court = "宁0105"
    out_of_scope_court = "宁0424"
    # Page size large enough that one page holds every object a test creates.
    list_params = {"page_size": 500}

    def make_object(self, court):
        raise NotImplementedError(f"{type(self).__name__} must define make_object(court)")

    def detail_url(self, obj):
        return f"{self.url}{obj.pk}/"

    @pytest.fixture
    def actor(self, request, courts):
        return request.getfixturevalue(self.persona)

    @pytest.fixture
    def persona_client(self, api, actor):
        return as_persona(api, actor)


class APIViewTestCases:
    class Get(_Base):
        def test_get_in_scope_object_answers_200(self, persona_client, courts):
            obj = self.make_object(courts[self.in_scope_court])
            response = persona_client.get(self.detail_url(obj))
            assert response.status_code == 200, response.content
            assert response.json()["id"] == obj.pk

        def test_get_out_of_scope_object_answers_404(self, persona_client, courts):
            obj = self.make_object(courts[self.out_of_scope_court])
            response = persona_client.get(self.detail_url(obj))
            assert response.status_code == 404, response.content

        def test_get_without_credentials_is_refused(self, api, courts):
            obj = self.make_object(courts[self.in_scope_court])
            response = api.get(self.detail_url(obj))
            assert response.status_code in (401, 403)

    class List(_Base):
        def test_list_shows_in_scope_objects_and_hides_the_others(self, persona_client, courts):
            inside = self.make_object(courts[self.in_scope_court])
            outside = self.make_object(courts[self.out_of_scope_court])
            response = persona_client.get(self.url, self.list_params)
            assert response.status_code == 200, response.content
            seen = ids(response)
            assert inside.pk in seen
            assert outside.pk not in seen

    class ReadOnly(Get, List):
        pass

    class Create(_Base):
        create_persona = None  # defaults to `persona`

        def create_payload(self, courts):
            raise NotImplementedError(f"{type(self).__name__} must define create_payload(courts)")

        def invalid_payloads(self, courts):
            return []

        @pytest.fixture
        def creator(self, request, api, courts):
            return as_persona(api, request.getfixturevalue(self.create_persona or self.persona))

        def _count(self):
            return self.model._default_manager.count()

        def test_create_answers_201_and_saves_one_object(self, creator, courts):
            before = self._count()
            response = creator.post(self.url, self.create_payload(courts), format="json")
            assert response.status_code == 201, response.content
            assert self._count() == before + 1
            assert self.model._default_manager.filter(pk=response.json()["id"]).exists()

        def test_create_with_invalid_input_answers_400_naming_the_field_and_saves_nothing(self, creator, courts):
            cases = self.invalid_payloads(courts)
            for body, field in cases:
                before = self._count()
                response = creator.post(self.url, body, format="json")
                assert response.status_code == 400, (field, response.content)
                assert field in response.json(), (field, response.json())
                assert self._count() == before, field

        def test_create_repeated_with_the_same_idempotency_key_creates_once(self, creator, courts):
            key = str(uuid.uuid4())
            body = self.create_payload(courts)
            before = self._count()
            first = creator.post(self.url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            second = creator.post(self.url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            assert first.status_code == 201, first.content
            assert second.status_code == 201
            assert second["Idempotent-Replay"] == "true"
            assert second.json() == first.json()
            assert self._count() == before + 1

        def test_same_idempotency_key_with_a_different_body_answers_409(self, creator, courts):
            key = str(uuid.uuid4())
            body = self.create_payload(courts)
            first = creator.post(self.url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            assert first.status_code == 201, first.content
            before = self._count()
            other = dict(body, _different="yes")
            second = creator.post(self.url, other, format="json", HTTP_IDEMPOTENCY_KEY=key)
            assert second.status_code == 409
            assert self._count() == before

    class Filter(_Base):
        filterset_class = None
        # Model fields deliberately without a filter (say why next to the set in the subclass).
        filter_exempt_fields = frozenset()

        def filter_cases(self, courts):
            raise NotImplementedError(f"{type(self).__name__} must define filter_cases(courts)")

        def test_each_filter_keeps_the_matching_object_and_drops_the_other(self, persona_client, courts):
            cases = self.filter_cases(courts)
            assert cases, "declare at least one filter case"
            for params, match, other in cases:
                response = persona_client.get(self.url, {**self.list_params, **params})
                assert response.status_code == 200, (params, response.content)
                seen = ids(response)
                assert match.pk in seen, params
                assert other.pk not in seen, params

        def test_every_model_field_has_a_filter(self):
            assert self.filterset_class is not None, "declare filterset_class"
            filtered = {f.field_name.split("__")[0] for f in self.filterset_class.base_filters.values()}
            filtered |= set(self.filterset_class.base_filters)
            fields = {f.name for f in self.model._meta.concrete_fields}
            missing = fields - filtered - set(self.filter_exempt_fields) - {"id"}
            assert not missing, f"model fields without a filter: {sorted(missing)}"
