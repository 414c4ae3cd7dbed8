from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from execcenter.identifiers import normalise_case_number
from execcenter.models import Court, Officer
from execcenter.money import MoneyFormField
from execcenter.validators import validate_report_day

from .choices import BulletinKind, FieldMeasure, IncidentKind, IncidentSeverity, PetitionStatus
from .models import FieldTeam, LinkageUnit
from .services.petitions import REPLY_MAX_CHARS

DT = {"type": "datetime-local"}
DATE = {"type": "date"}


class DisclosureForm(forms.Form):
    case_number = forms.CharField(
        label=_("案号"), max_length=40, widget=forms.TextInput(attrs={"placeholder": "（2024）宁0105执123号"})
    )
    # As typed (spaces, full-width digits): command.disclosure folds it to its 18 ASCII characters.
    id_number = forms.CharField(label=_("身份证号码/统一社会信用代码"), max_length=40)
    challenge = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


class LetterAnswerForm(forms.Form):
    answered_by = forms.CharField(label=_("答复人（单位经办人）"), max_length=64)
    answer_text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))


class ScopedFormMixin:
    """Limits court / officer / case choices to what the acting user sees (the one visibility rule)."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
                model = field.queryset.model
                if model is Officer:
                    field.queryset = Officer.objects.filter(court__in=Court.objects.visible_to(actor)).select_related(
                        "court"
                    )
                elif hasattr(model.objects, "visible_to"):
                    field.queryset = model.objects.visible_to(actor)


class OperationForm(ScopedFormMixin, forms.Form):
    name = forms.CharField(label=_("行动名称"), max_length=100)
    court = forms.ModelChoiceField(label=_("组织法院"), queryset=Court.objects.all())
    courts = forms.ModelMultipleChoiceField(label=_("参战法院"), queryset=Court.objects.all())
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs=DT))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs=DT))
    target_numbers = forms.CharField(
        label=_("目标案件（每行一个案号）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description = forms.CharField(label=_("行动方案"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.actor = actor

    def clean_target_numbers(self):
        numbers = [normalise_case_number(n) for n in self.cleaned_data["target_numbers"].splitlines() if n.strip()]
        cases = list(Case.objects.visible_to(self.actor).by_numbers(numbers))
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing:
            raise forms.ValidationError(_("案号不存在：%(n)s") % {"n": "、".join(missing[:5])})
        return cases


class TeamForm(ScopedFormMixin, forms.Form):
    name = forms.CharField(label=_("小组名称"), max_length=64)
    court = forms.ModelChoiceField(label=_("所属法院"), queryset=Court.objects.all())
    leader = forms.ModelChoiceField(label=_("组长"), queryset=Officer.objects.all())
    members = forms.ModelMultipleChoiceField(label=_("组员"), queryset=Officer.objects.all(), required=False)
    vehicle = forms.CharField(label=_("车辆"), max_length=32, required=False)
    body_camera_url = forms.URLField(label=_("执法记录仪视频流"), required=False, assume_scheme="https")


class ResultForm(forms.Form):
    team = forms.ModelChoiceField(label=_("执行小组"), queryset=FieldTeam.objects.none())
    case_number = forms.CharField(label=_("案号"), max_length=40)
    case_closed = forms.BooleanField(label=_("当场执结"), required=False)
    amount_recovered = MoneyFormField(label=_("执行到位金额（元）"), allow_zero=True, initial="0")
    book_receipt = forms.BooleanField(label=_("款项已到账，记入案款账户"), required=False)
    measures = forms.MultipleChoiceField(
        label=_("采取措施"), choices=FieldMeasure.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    people_detained = forms.IntegerField(label=_("司法拘留人数"), min_value=0, initial=0)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, operation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = operation.teams.all() if operation else FieldTeam.objects.none()


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("严重程度"), choices=IncidentSeverity.choices)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    address = forms.CharField(label=_("地址"), max_length=200)
    case_number = forms.CharField(label=_("关联案号"), max_length=40, required=False)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 4}))


class DispatchForm(ScopedFormMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("增援小组"), queryset=FieldTeam.objects.all(), required=False)
    police_liaison = forms.CharField(label=_("公安联动"), max_length=100, required=False)
    note = forms.CharField(label=_("调度指令"), max_length=200, required=False)


class LetterForm(ScopedFormMixin, forms.Form):
    case_number = forms.CharField(label=_("案号"), max_length=40)
    unit = forms.ModelChoiceField(label=_("协助单位"), queryset=LinkageUnit.objects.filter(is_active=True))
    subject = forms.CharField(label=_("协助事项"), max_length=200)
    request_text = forms.CharField(label=_("协助内容"), widget=forms.Textarea(attrs={"rows": 5}))
    due_on = forms.DateField(label=_("答复期限"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        # A unit registered at a court above the officer's serves them too (e.g. the provincial police).
        officer_court = getattr(getattr(actor, "officer", None), "court", None)
        if officer_court is not None:
            codes = [officer_court.code[:n] for n in range(1, len(officer_court.code) + 1)]
            self.fields["unit"].queryset = LinkageUnit.objects.filter(is_active=True, court__code__in=codes)


class BulletinForm(ScopedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=BulletinKind.choices)
    court = forms.ModelChoiceField(label=_("法院范围"), queryset=Court.objects.all())
    day = forms.DateField(label=_("期间内任一日"), widget=forms.DateInput(attrs=DATE), validators=[validate_report_day])


class IndicatorFilterForm(ScopedFormMixin, forms.Form):
    court = forms.ModelChoiceField(label=_("法院范围"), queryset=Court.objects.all(), to_field_name="code")
    start = forms.DateField(label=_("起"), widget=forms.DateInput(attrs=DATE), validators=[validate_report_day])
    end = forms.DateField(label=_("止"), widget=forms.DateInput(attrs=DATE), validators=[validate_report_day])
    case_type = forms.ChoiceField(
        label=_("案件类型"), choices=[("执", "首次执行"), ("执恢", "恢复执行"), ("执保", "财产保全执行")], initial="执"
    )


class PetitionFilterForm(ScopedFormMixin, forms.Form):
    """Filters of the petition list; the court choices are the user's scope, so a court outside it is invalid."""

    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + PetitionStatus.choices, required=False)
    court = forms.ModelChoiceField(
        label=_("法院（含下级）"),
        queryset=Court.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("全部"),
    )
    received_from = forms.DateField(label=_("受理日期起"), required=False, widget=forms.DateInput(attrs=DATE))
    received_to = forms.DateField(label=_("受理日期止"), required=False, widget=forms.DateInput(attrs=DATE))
    overdue = forms.BooleanField(label=_("只看逾期未办结"), required=False)

    def clean(self):
        d = super().clean()
        start, end = d.get("received_from"), d.get("received_to")
        if start and end and end < start:
            raise forms.ValidationError(_("受理日期止不能早于受理日期起"))
        return d


class PetitionReceiveForm(ScopedFormMixin, forms.Form):
    petitioner = forms.CharField(label=_("信访人"), max_length=64)
    subject = forms.CharField(label=_("信访事项"), max_length=200)
    received_on = forms.DateField(label=_("受理日期"), widget=forms.DateInput(attrs=DATE))
    case_number = forms.CharField(
        label=_("关联案号"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "（2024）宁0105执123号"}),
    )
    court = forms.ModelChoiceField(
        label=_("法院"),
        queryset=Court.objects.all(),
        required=False,
        help_text=_("有关联案件时为案件所属法院；不填则为本院"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.actor = actor

    def clean_case_number(self):
        """The case (or None) the user sees under that number."""
        number = self.cleaned_data["case_number"].strip()
        if not number:
            return None
        case = Case.objects.visible_to(self.actor).by_number(number).select_related("court").first()
        if case is None:
            raise forms.ValidationError(_("案号不存在或不在您的范围内"))
        return case


class PetitionReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复意见"), max_length=REPLY_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5}))


class PetitionCloseForm(forms.Form):
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("办结日期为今天，计入执行信访办结率"),
    )
