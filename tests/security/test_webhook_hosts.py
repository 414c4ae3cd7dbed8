"""An officer's robot webhook reaches only the group-robot services the deployment names (issue 11: SSRF).

Found by the attack pass: any officer could set their notification robot to `http://127.0.0.1:6379/` or
`http://169.254.169.254/…` on the preferences page, and the worker then POSTed every notification there from
inside the court's network, reporting the answer's status back in the notification's error. Now the URL's host must
be one of NOTIFY_WEBHOOK_HOSTS (企业微信 and 钉钉 by default): the form refuses another (400, nothing saved) and the
channel refuses to send to one already stored.
"""

import pytest
from django.urls import reverse

from execcenter.channels import PermanentChannelError, WebhookChannel
from execcenter.models import NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "https://qyapi.weixin.qq.com.evil.example/x",
    ],
)
def test_the_preferences_page_refuses_a_robot_on_another_host(client, judge_xixia, url):
    client.force_login(judge_xixia.user)
    response = client.post(reverse("workbench:preferences"), {"channels": ["webhook"], "webhook_url": url})
    assert response.status_code == 400
    assert "Webhook" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_robot_of_a_named_service_is_accepted(client, judge_xixia):
    client.force_login(judge_xixia.user)
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=team-1"
    response = client.post(reverse("workbench:preferences"), {"channels": ["webhook"], "webhook_url": url})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(officer=judge_xixia).webhook_url == url


def test_the_channel_sends_nothing_to_a_stored_url_on_another_host(monkeypatch):
    sent = []
    monkeypatch.setattr("execcenter.channels.post_json", lambda *a, **k: sent.append(a) or {"errcode": 0})

    class Row:
        address, subject, body, uuid, link = "http://127.0.0.1:6379/", "s", "b", "u-1", ""

    with pytest.raises(PermanentChannelError):
        WebhookChannel().send(Row())
    assert sent == []
