"""What the audit page and its export show for an audit row: the action in Chinese and its details as text.

An audit row stores an action code (``case.file``, ``approval.request.payout`` …) written by
``execcenter.services.audit`` and the helpers that forward to it; ``ACTION_LABELS`` is the one list of what each code
means to a reader, kept beside that function. tests/foundation/test_audit_labels.py reads every code the product's
source can write and fails when one has no label here. Details are a JSON dict; ``details_text`` renders them as
"标签：值；…" with the keys of ``DETAIL_LABELS`` in Chinese (an unknown key shows as itself: nothing is hidden).
"""

from django.apps import apps
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # cases: filing, flow, closure, deadlines
    "case.file": _("立案"),
    "case.assign": _("分案"),
    "case.notice": _("记录执行通知送达"),
    "case.transition": _("推进办案节点"),
    "case.facts": _("登记被执行人情况"),
    "case.requery": _("安排财产再次查询"),
    "case.suspend": _("中止执行"),
    "case.settlement": _("登记执行和解"),
    "case.resume": _("恢复执行（中止后）"),
    "case.resume_terminated": _("终本案件恢复执行"),
    "case.close": _("结案"),
    "case.extend": _("延长执行期限"),
    "case.transfer.request": _("申请提级、指定或委托执行"),
    "case.transfer.approve": _("批准移转执行"),
    "case.transfer.reject": _("驳回移转执行"),
    # four-eyes approvals (the kind is cases.choices.ApprovalKind)
    "approval.request": _("提交审批"),
    "approval.approve": _("批准"),
    "approval.reject": _("驳回"),
    "approval.withdraw": _("撤回审批申请"),
    # money
    "money.receipt": _("登记收款"),
    "money.payout": _("发放案款"),
    "money.statement_import": _("导入银行对账单"),
    # measures, auctions, documents, lawyer orders, ledger
    "measure.impose": _("采取执行措施"),
    "measure.performed": _("措施已履行"),
    "measure.extend": _("延长措施期限"),
    "measure.expire": _("措施到期"),
    "measure.end": _("解除、撤销措施"),
    "auction.item": _("登记拍卖标的"),
    "auction.round": _("发布拍卖轮次"),
    "auction.conclude": _("登记拍卖结果"),
    "document.issue": _("出具文书"),
    "document.download": _("下载文书"),
    "lawyer_order.apply": _("登记律师调查令申请"),
    "lawyer_order.reject": _("不予签发律师调查令"),
    "lawyer_order.return": _("律师调查令交回"),
    # reward notices (cases.rewards)
    "reward.apply": _("登记悬赏申请"),
    "reward.advance": _("登记预交悬赏金"),
    "reward.publish": _("发布悬赏公告"),
    "reward.reject": _("悬赏申请不予准许"),
    "reward.lead": _("登记悬赏线索"),
    "reward.lead.check": _("核查悬赏线索"),
    "reward.pay.request": _("申请发放悬赏金"),
    "reward.pay.approve": _("批准发放悬赏金"),
    "reward.pay.refuse": _("不予发放悬赏金"),
    "reward.close": _("结束悬赏并退还余款"),
    "ledger.update": _("更新长期未结案件台账"),
    "ledger.follow_up": _("登记台账督办跟进"),
    "ledger.action": _("安排台账整改事项"),
    "ledger.action_done": _("完成台账整改事项"),
    # personal data, the audit log itself, exports
    "personal_data.read": _("查看完整身份证号、电话、住址"),
    "personal_data.search": _("按身份证号、电话、住址检索"),
    "audit.search": _("检索审计日志"),
    "export.cases": _("导出执行案件清单"),
    "export.long_pending": _("导出长期未结案件台账"),
    "export.alerts": _("导出预警清单"),
    "export.found_assets": _("导出查控财产清单"),
    "export.control_orders": _("导出控制措施清单"),
    "export.audit_log": _("导出审计日志"),
    # query and control (查控)
    "querycontrol.query": _("发起网络查控"),
    "querycontrol.query.cancel": _("撤销查询"),
    "querycontrol.queued_refresh": _("刷新排队中的查询"),
    "querycontrol.order.file": _("拟制控制措施"),
    "querycontrol.order.preview": _("预览协助执行文书"),
    "querycontrol.order.document": _("生成协助执行文书"),
    "querycontrol.order.submit": _("提交控制措施审批"),
    "querycontrol.order.approve": _("批准控制措施"),
    "querycontrol.order.reject": _("驳回控制措施"),
    "querycontrol.order.answer": _("协助单位回复控制措施"),
    "querycontrol.order.result": _("登记控制措施结果"),
    # command: incidents, operations, letters, petitions, bulletins, disclosure
    "incident.report": _("上报突发事件"),
    "incident.update": _("补充事件进展"),
    "incident.dispatch": _("调度处置力量"),
    "incident.position": _("上报处置位置"),
    "incident.close": _("事件处置完毕"),
    "operation.create": _("创建集中执行行动"),
    "operation.targets": _("确定行动对象"),
    "operation.team": _("编组行动队伍"),
    "operation.launch": _("启动集中执行行动"),
    "operation.result": _("登记行动结果"),
    "operation.end": _("结束集中执行行动"),
    "letter.send": _("发送协助调查函"),
    "letter.answer": _("协助调查函已答复"),
    "letter.close": _("协助调查函办结"),
    "letter.withdraw": _("撤回协助调查函"),
    "petition.receive": _("登记信访"),
    "petition.reply": _("答复信访"),
    "petition.close": _("办结信访"),
    "bulletin.generate": _("生成调度通报"),
    "disclosure.lookup": _("执行公开查询（当事人）"),
    # dashboards: alerts, duty, the screen
    "alert.acknowledge": _("确认预警"),
    "alert.note": _("预警处置备注"),
    "alert.resolve": _("解除预警"),
    "alert.escalate": _("预警逐级上报"),
    "duty.roster": _("编排值班表"),
    "duty.assign": _("安排值班"),
    "duty.check_in": _("值班签到"),
    "duty.handover": _("填写交接班记录"),
    "duty.handover_acknowledged": _("确认交接班"),
    "duty.swap_requested": _("申请调班"),
    "duty.swap_approved": _("批准调班"),
    "duty.swap_rejected": _("驳回调班"),
    "duty.take_over": _("顶岗接班"),
    "screen.layout": _("编辑大屏布局"),
    # workbench
    "warning.configure": _("修改预警规则与阈值"),
    "notification.configure": _("设置本人的通知方式与免打扰时段"),
    # accounts, partner keys, logins (admin site)
    "officer.roles_changed": _("变更干警角色"),
    "officer.removed": _("删除干警"),
    "user.rights_changed": _("变更用户权限"),
    "partner.changed": _("修改对接单位"),
    "partner.key_issued": _("签发接口密钥"),
    "partner.key_rotated": _("更换接口密钥"),
    "partner.key_revoked": _("吊销接口密钥"),
    "login.locked_out": _("登录失败次数过多，账号锁定"),
    "login.unlocked": _("解除登录锁定"),
}

DETAIL_LABELS = {
    "note": _("备注"),
    "reason": _("理由"),
    "kind": _("类别"),
    "amount": _("金额"),
    "claim_amount": _("申请执行标的"),
    "number": _("案号"),
    "case": _("案件"),
    "status": _("状态"),
    "from": _("原"),
    "to": _("改为"),
    "before": _("变更前"),
    "after": _("变更后"),
    "filters": _("筛选条件"),
    "purpose": _("用途"),
    "page": _("页面"),
    "path": _("地址"),
    "found": _("是否找到"),
    "error": _("错误"),
    "line": _("行"),
    "lines": _("行数"),
    "count": _("数量"),
    "total": _("合计"),
    "measure": _("措施"),
    "document": _("文书"),
    "due_on": _("期限"),
    "username": _("用户名"),
    "post": _("岗位"),
    "allowed": _("是否允许"),
    "officer": _("干警"),
    "team": _("队伍"),
    "step": _("步骤"),
    "severity": _("级别"),
    "outcome": _("结果"),
    "reference": _("业务编号"),
    "payee": _("收款人"),
    "format": _("格式"),
    "sort": _("排序"),
    "unmasked": _("完整显示个人信息"),
    "channel": _("渠道"),
    "channels": _("渠道"),
    "key_prefix": _("密钥前缀"),
    "expires_at": _("有效期至"),
    "roles": _("角色"),
    "days": _("天数"),
    "suspended_days": _("中止天数"),
    "closure_type": _("结案方式"),
    "closed_on": _("结案日期"),
    "approved_by": _("批准人"),
    "requested_by": _("申请人"),
    "approval": _("审批"),
    "transfer": _("移转"),
    "to_court": _("移转至法院"),
    "legal_basis": _("法律依据"),
    "effective": _("生效"),
    "period": _("期间"),
    "source": _("来源"),
    "notice": _("悬赏公告"),
    "reward_amount": _("悬赏金额"),
    "lead": _("悬赏线索"),
    "leads": _("悬赏线索"),
    "seq": _("登记顺序"),
    "realised": _("因该线索实现的债权"),
    "refunded": _("已退还"),
}


def action_label(code):
    """The Chinese label of an audit action code (lazy, translated on display); an unknown code as itself."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    head, _dot, kind = code.rpartition(".")
    if head in ("approval.request", "approval.approve", "approval.reject", "approval.withdraw"):
        # The kinds are read through the app registry: execcenter sits below cases and imports nothing from it.
        kinds = dict(apps.get_model("cases", "ApprovalRequest")._meta.get_field("kind").choices)
        if kind in kinds:
            return _lazy_join(ACTION_LABELS[head], kinds[kind])
    return code


def _join(step, kind):
    return f"{step}：{kind}"


_lazy_join = lazy(_join, str)


def _value(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list | tuple | set):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def details_text(details):
    """An audit row's details (a JSON dict) as "标签：值；标签：值"; "" for none. Keys of DETAIL_LABELS read in
    Chinese, any other key as itself; lists are joined with 、, nested dicts as k=v, booleans as 是/否."""
    if not details:
        return ""
    if not isinstance(details, dict):
        return _value(details)
    return "；".join(f"{DETAIL_LABELS.get(key, key)}：{_value(value)}" for key, value in details.items())


def object_type_label(object_type):
    """ "cases.case" → the model's verbose name (案件); a type that names no model (export, …) as stored."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name) if "." in object_type else object_type
    except (LookupError, ValueError):
        return object_type
