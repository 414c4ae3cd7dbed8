from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from execcenter.channels import webhook_host_allowed
from execcenter.choices import NotificationChannel
from execcenter.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    """How I am told: channels, my e-mail and robot address, quiet hours. A channel needs its address."""

    channels = forms.MultipleChoiceField(
        label=_("接收渠道"), choices=NotificationChannel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = NotificationPreference
        fields = ["channels", "email", "webhook_url", "quiet_start", "quiet_end"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, officer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer

    def clean(self):
        data = super().clean()
        channels = data.get("channels") or []
        if NotificationChannel.EMAIL in channels and not (data.get("email") or self.officer.user.email):
            self.add_error("email", _("选择电子邮件时请填写邮箱 (an e-mail address is required)"))
        if NotificationChannel.WEBHOOK in channels and not data.get("webhook_url"):
            self.add_error("webhook_url", _("选择机器人时请填写 Webhook 地址 (a webhook URL is required)"))
        elif data.get("webhook_url") and not webhook_host_allowed(data["webhook_url"]):
            self.add_error(
                "webhook_url",
                _("Webhook 地址只能是企业微信或钉钉群机器人：%(hosts)s (webhook host not allowed)")
                % {"hosts": "、".join(settings.NOTIFY_WEBHOOK_HOSTS)},
            )
        if NotificationChannel.SMS in channels and not self.officer.phone:
            self.add_error("channels", _("您的干警档案没有手机号，不能接收短信 (no phone number on file)"))
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("免打扰时段需同时填写开始和结束 (give both ends of the quiet hours)"))
        return data
