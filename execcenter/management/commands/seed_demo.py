"""Build the demo province: courts, logins, partner keys, N cases with parties, then each app's own demo data.

Apps above execcenter contribute through a `demo.enrich(rng, stdout)` function in their own package
(found by name, so this lower app never imports a higher one). The same --seed gives the same data.

Any size from 100 to 1,000,000 cases (tests/foundation/test_seed_demo_sizes.py). Atomic per step, so resumable: the
cases are written in one transaction and each app's demo in its own; a run that failed half-way is completed by
running it again, and a finished one is left as it is.
"""

import importlib
import random
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from execcenter.org import (
    DEMO_PARTNERS,
    DEMO_PASSWORD,
    create_demo_logins,
    create_demo_partner,
    demo_partner_key,
    load_courts,
)


class Command(BaseCommand):
    help = "生成演示数据（宁夏全区法院、演示账号、案件与当事人、各模块演示数据）。重复运行不会重复生成。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=20000, help="案件数量（默认 20000）")
        parser.add_argument("--seed", type=int, default=20241, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--skip-enrich", action="store_true", help="只生成案件与当事人，不生成各模块演示数据")

    def handle(self, *args, cases, seed, skip_enrich, **options):
        if not settings.DEMO_DATA_ALLOWED:
            # Demo logins share one published password and the demo API keys are in the README: in production they
            # would be open doors (issue 11). Real accounts come from createsuperuser and the admin.
            raise CommandError(
                "生产配置（DJANGO_DEBUG=False）不生成演示数据、演示账号或演示密钥 "
                "(seed_demo refuses to run with DJANGO_DEBUG=False: no demo logins or keys in production)"
            )
        started = time.monotonic()
        courts = load_courts()
        self.stdout.write(f"法院：{len(courts)} 个")
        logins = create_demo_logins()
        for i, (name, kind, court, actions) in enumerate(DEMO_PARTNERS, 1):
            _client, key = create_demo_partner(name, kind, court, actions, raw_key=demo_partner_key(i))
            self.stdout.write(f"合作系统 API 密钥（演示）：{name}  {key}")
        # cases sits above execcenter, so it is reached by name like every other app's demo hook.
        made = importlib.import_module("cases.demo_bulk").generate_cases(cases, seed=seed, stdout=self.stdout)
        self.stdout.write(f"案件：新增 {made} 件（目标 {cases} 件）")
        if not skip_enrich:
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                # One transaction per app: an app whose demo fails leaves none of its rows, so the next run finds no
                # "already there" marker over half-made data and builds it again (the cases above are atomic too).
                with transaction.atomic():
                    module.enrich(random.Random(seed), self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪，用时 {time.monotonic() - started:.1f} 秒"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, name, court, roles in logins:
            self.stdout.write(f"  {username:<18} {name:<6} {court:<8} {'、'.join(str(r) for r in roles)}")
