"""The vendored ECharts, htmx and Ningxia map load from our own static files in a real browser
(the command-centre machines have no internet, so a CDN reference would leave the screen blank)."""

import pytest

from tests.factories import OfficerFactory

pytestmark = pytest.mark.browser


def test_vendored_echarts_draws_the_ningxia_map_and_htmx_loads(browser_page, courts, log_in):
    officer = OfficerFactory(court=courts["宁01"], name="赵敏")
    page = log_in(browser_page, officer.user)
    page.goto("/")
    assert officer.name in page.locator("header .who").inner_text()  # the session cookie took

    page.add_script_tag(url="/static/vendor/echarts/echarts.min.js")
    page.add_script_tag(url="/static/vendor/htmx/htmx.min.js")
    assert page.evaluate("htmx.version") == "2.0.11"

    drawn = page.evaluate("""async () => {
        const geo = await (await fetch('/static/vendor/maps/ningxia.json')).json();
        echarts.registerMap('ningxia', geo);
        const el = document.createElement('div');
        el.style.cssText = 'width:800px;height:800px';
        document.querySelector('main').appendChild(el);
        const chart = echarts.init(el, null, {renderer: 'svg'});
        chart.setOption({animation: false, series: [{type: 'map', map: 'ningxia', nameProperty: 'name',
            label: {show: true}, data: [{name: '西夏区', value: 7}]}]});
        const regions = chart.getModel().getSeriesByIndex(0).coordinateSystem.regions;
        return {version: echarts.version, regions: regions.map(r => r.name),
                labels: Array.from(el.querySelectorAll('text')).map(t => t.textContent)};
    }""")
    assert drawn["version"] == "6.1.0"
    assert len(drawn["regions"]) == 22 and "西夏区" in drawn["regions"] and "泾源县" in drawn["regions"]
    assert "海原县" in drawn["labels"]  # ECharts drew labelled districts, not an empty canvas
    page.save_screenshot()
    assert page.console_errors == []
