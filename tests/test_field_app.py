"""The field app (``/field``) in a real browser — Debian's chromium through selenium, a phone's
window (390 × 844), the position set through the DevTools protocol — against the center's
server as a real process on PostgreSQL: log in, report with a photo (it reaches a Qt console
with its photo), report twice in a dead zone and exactly two cases arrive when the network is
back, and a department handler reports the result of a case in hand."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from test_ui_console import LOAD_TIMEOUT_MS, chinese  # noqa: E402, F401 - fixtures by name

from commandcenter.backend.remote import RemoteCenter  # noqa: E402
from commandcenter.demo.accounts import DEMO_PASSWORD  # noqa: E402
from commandcenter.domain.enums import CaseSource, CaseState  # noqa: E402
from commandcenter.server.field import ACTION_ZH  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.storage.models import Case, Grid, User, grid_managers  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .server_process import CenterServer
except ImportError:
    from server_process import CenterServer

pytestmark = pytest.mark.postgres
PHONE = (390, 844)


def test_the_step_names_are_the_consoles(qapp):
    """The app names the steps as the console's catalogue does."""
    import xml.etree.ElementTree as ET

    from ui.common.labels import _TABLES
    from ui.common.paths import TRANSLATIONS

    root = ET.parse(TRANSLATIONS / "commandcenter_zh_CN.ts").getroot()
    context = next(c for c in root.iter("context") if c.findtext("name") == "Labels")
    translated = {m.findtext("source"): m.findtext("translation") for m in context.iter("message")}
    from commandcenter.workflow.rules import Action

    for action, name in ACTION_ZH.items():
        assert translated[_TABLES[Action][action]] == name, action


@pytest.fixture
def center(postgres_server, demo_pg_template):
    name = postgres_server.create_database(template=demo_pg_template)
    url = postgres_server.url_for(name)
    database = open_database(url, migrate=False)
    with CenterServer(url) as server:
        yield server, database
    database.dispose()
    postgres_server.drop_database(name)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("chromium and chromium-driver are needed: run `make test` (it installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(*PHONE)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))


def tap(driver, element) -> None:
    """A thumb's tap: the element brought to the middle of the screen (never under the tab bar
    fixed at the bottom), then clicked."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def text_of(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def log_in(driver, server, username: str) -> None:
    driver.get(server.url + "/field/")
    wait_for(driver, lambda d: d.find_element("id", "username").is_displayed())
    driver.find_element("id", "username").send_keys(username)
    driver.find_element("id", "password").send_keys(DEMO_PASSWORD)
    tap(driver, driver.find_element("css selector", "#login-form button"))
    wait_for(driver, lambda d: d.find_element("id", "tasks").is_displayed())


def place_phone(driver, server, lon: float, lat: float) -> None:
    driver.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": server.url, "permissions": ["geolocation"]}
    )
    driver.execute_cdp_cmd(
        "Emulation.setGeolocationOverride", {"latitude": lat, "longitude": lon, "accuracy": 8}
    )


def set_offline(driver, offline: bool) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def report(driver, description: str, photo_path: str | None = None) -> None:
    tap(driver, driver.find_element("css selector", '#tabs [data-view="report"]'))
    wait_for(driver, lambda d: d.find_element("id", "report").is_displayed())
    wait_for(driver, lambda d: "位置" in text_of(d, "position"))
    driver.find_element("id", "description").send_keys(description)
    if photo_path:
        driver.find_element("id", "photo").send_keys(photo_path)
    tap(driver, driver.find_element("css selector", "#report-form button"))


def gridman_point(database) -> tuple[float, float]:
    with database.session() as session:
        grid = session.scalar(
            select(Grid)
            .join(grid_managers, grid_managers.c.grid_id == Grid.id)
            .join(User, User.id == grid_managers.c.user_id)
            .where(User.username == "gridman")
        )
        return grid.centroid_lon, grid.centroid_lat


def count(database, description: str) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(Case.id)).where(Case.description == description))


def test_a_grid_manager_reports_from_the_phone_and_through_a_dead_zone(
    qtbot, center, browser, tmp_path
):
    server, database = center
    picture = np.full((1200, 1600, 3), 200, np.uint8)
    cv2.putText(picture, "pothole", (200, 600), cv2.FONT_HERSHEY_SIMPLEX, 6, (0, 0, 255), 12)
    photo = tmp_path / "scene.jpg"
    cv2.imwrite(str(photo), picture)
    # The duty officer's console, on the same server.
    window = MainWindow(RemoteCenter(server.url).login("duty", DEMO_PASSWORD))
    qtbot.addWidget(window)
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)

    lon, lat = gridman_point(database)
    place_phone(browser, server, lon, lat)
    log_in(browser, server, "gridman")
    assert text_of(browser, "who") == "张网格员"

    report(browser, "人行道井盖缺失，有行人绊倒风险", str(photo))
    wait_for(browser, lambda d: any(w in text_of(d, "report-message") for w in ("已上报", "附近")))
    if "附近已有同类" in text_of(browser, "report-message"):  # the demo has one close by
        tap(browser, browser.find_element("id", "report-submit"))
        wait_for(browser, lambda d: "已上报" in text_of(d, "report-message"))
    code = text_of(browser, "report-message").rsplit(" ", 1)[-1]
    with database.session() as session:
        case = session.scalar(select(Case).where(Case.code == code))
        assert case.source is CaseSource.GRID_PATROL and case.state is CaseState.REPORTED
        assert case.grid_id is not None and abs(case.lon - lon) < 1e-6
    qtbot.waitUntil(lambda: any(r.code == code for r in window.console.store.rows()), timeout=5_000)
    attachments = window.backend.case_detail(case.id).attachments
    assert len(attachments) == 1 and attachments[0].media_type == "image/jpeg"
    stored = window.backend.attachment_contents([attachments[0].id])[attachments[0].id]
    sent = cv2.imdecode(np.frombuffer(stored, np.uint8), cv2.IMREAD_COLOR)
    assert max(sent.shape[:2]) == 1600  # downscaled on the phone, not refused

    # The same kind of problem at the same spot: the near open case is offered first.
    before = count(database, "井盖又缺了一个")
    report(browser, "井盖又缺了一个")
    wait_for(browser, lambda d: "附近已有同类" in text_of(d, "report-message"))
    assert code in text_of(browser, "report-message")
    assert count(database, "井盖又缺了一个") == before  # nothing sent yet
    tap(browser, browser.find_element("id", "report-submit"))  # 仍要上报
    wait_for(browser, lambda d: "已上报" in text_of(d, "report-message"))
    assert count(database, "井盖又缺了一个") == before + 1

    # A place picked on the small map instead of the phone's position.
    with database.session() as session:
        target = session.scalar(
            select(Grid)
            .join(grid_managers, grid_managers.c.grid_id == Grid.id)
            .join(User, User.id == grid_managers.c.user_id)
            .where(User.username == "gridman")
        ).geometry.representative_point()
    tap(browser, browser.find_element("css selector", '#tabs [data-view="report"]'))
    wait_for(browser, lambda d: d.execute_script("return frame !== null && myGrids !== null"))
    canvas = browser.find_element("id", "pick-map")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    x, y = browser.execute_script(
        "const [lon, lat] = arguments; const f = frame;"
        "return [(f.margin + (lon * f.k - f.minX) * f.scale) / devicePixelRatio,"
        " (f.margin + (f.maxY - lat) * f.scale) / devicePixelRatio];",
        target.x,
        target.y,
    )
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element_with_offset(
        canvas, x - canvas.size["width"] / 2, y - canvas.size["height"] / 2
    ).click().perform()
    assert "地图选点" in text_of(browser, "position")
    report(browser, "公园长椅损坏（地图选点）")
    wait_for(browser, lambda d: any(w in text_of(d, "report-message") for w in ("已上报", "附近")))
    if "附近已有同类" in text_of(browser, "report-message"):
        tap(browser, browser.find_element("id", "report-submit"))
        wait_for(browser, lambda d: "已上报" in text_of(d, "report-message"))
    with database.session() as session:
        placed = session.scalar(select(Case).where(Case.description == "公园长椅损坏（地图选点）"))
        assert abs(placed.lon - target.x) < 2e-5 and abs(placed.lat - target.y) < 2e-5

    # A dead zone: two reports wait on the phone, then go, each exactly once.
    set_offline(browser, True)
    for text in ("桥下堆放杂物 1", "桥下堆放杂物 2"):
        report(browser, text)
        wait_for(browser, lambda d: "已保存" in text_of(d, "report-message"))
    assert text_of(browser, "net") == "离线"
    assert text_of(browser, "outbox") == "待发送 2"
    assert count(database, "桥下堆放杂物 1") == 0
    set_offline(browser, False)
    wait_for(browser, lambda d: not d.find_element("id", "outbox").is_displayed(), timeout=30)
    assert count(database, "桥下堆放杂物 1") == 1 and count(database, "桥下堆放杂物 2") == 1
    browser.refresh()  # and nothing is sent again after the page comes back
    wait_for(browser, lambda d: d.find_element("id", "tasks").is_displayed())
    browser.execute_script("return flush()")
    assert count(database, "桥下堆放杂物 1") == 1 and count(database, "桥下堆放杂物 2") == 1


def test_a_handler_reports_the_result_of_a_case_in_hand(center, browser):
    server, database = center
    handler = RemoteCenter(server.url).login("handler", DEMO_PASSWORD)
    task = next(r for r in handler.my_tasks() if r.state is CaseState.HANDLING)
    log_in(browser, server, "handler")
    item = f'#task-list li[data-case-id="{task.id}"]'
    wait_for(browser, lambda d: d.find_elements("css selector", item))
    tap(browser, browser.find_element("css selector", item))
    step = '#steps button[data-action="report_result"]'
    wait_for(browser, lambda d: d.find_elements("css selector", step))
    browser.find_element("id", "step-comment").send_keys("已修复，现场恢复通行")
    tap(browser, browser.find_element("css selector", step))
    wait_for(browser, lambda d: "已处置反馈" in text_of(d, "case-message"))
    with database.session() as session:
        case = session.get(Case, task.id)
        assert case.state is CaseState.AWAITING_VERIFICATION
        assert case.version == task.version + 1


def test_a_grid_manager_records_visits_one_becoming_a_case(center, browser):
    server, database = center
    from commandcenter.storage.models import Visit

    def visits() -> int:
        with database.session() as session:
            return session.scalar(
                select(func.count(Visit.id))
                .join(User, User.id == Visit.user_id)
                .where(User.username == "gridman")
            )

    before = visits()
    log_in(browser, server, "gridman")
    tap(browser, browser.find_element("css selector", '#tabs [data-view="visit"]'))
    wait_for(browser, lambda d: d.find_elements("css selector", "#house-list li"))
    first = browser.find_elements("css selector", "#house-list li")[0]
    number = first.text.split(" · ")[0].rsplit(" ", 1)[-1]  # the house number, e.g. 2-301
    browser.find_element("id", "house-search").send_keys(number)
    wait_for(  # read in the page at once: the list is redrawn as the search narrows
        browser,
        lambda d: d.execute_script(
            "const items = [...document.querySelectorAll('#house-list li')];"
            "return items.length > 0 && items.every((li) => li.textContent.includes(arguments[0]));",
            number,
        ),
    )
    tap(browser, browser.find_elements("css selector", "#house-list li")[0])
    assert "住户：" in text_of(browser, "house-chosen")
    browser.find_element("id", "visit-note").send_keys("独居老人，身体尚可，需定期探望")
    tap(browser, browser.find_element("css selector", "#visit-form button"))
    wait_for(browser, lambda d: "已记录走访" in text_of(d, "visit-message"))
    browser.find_element("id", "visit-note").send_keys("楼道灯坏了，老人夜间出行不便")
    tap(browser, browser.find_element("id", "visit-follow"))
    tap(browser, browser.find_element("css selector", "#visit-form button"))
    wait_for(browser, lambda d: "生成案件" in text_of(d, "visit-message"))
    code = text_of(browser, "visit-message").rsplit(" ", 1)[-1]
    assert visits() == before + 2
    with database.session() as session:
        case = session.scalar(select(Case).where(Case.code == code))
        assert (
            case.title.startswith("走访发现：楼道灯坏了") and case.source is CaseSource.GRID_PATROL
        )


def test_special_groups_due_for_a_visit_are_in_the_queue_and_leave_it_when_visited(center, browser):
    server, database = center
    from commandcenter.storage.models import Person, Visit

    log_in(browser, server, "gridman")
    wait_for(browser, lambda d: "应走访" in text_of(d, "due-visits"))
    count = int(text_of(browser, "due-visits").split("应走访 ")[1].split(" ")[0])
    assert count > 0
    tap(browser, browser.find_element("id", "due-visits"))
    wait_for(browser, lambda d: len(d.find_elements("css selector", "#due-list li")) == count)
    # picked in the page at once: the list may be redrawn as the tab opens
    first = wait_for(
        browser,
        lambda d: d.execute_script(
            "const li = document.querySelector('#due-list li');"
            "if (!li) return null; li.click(); return li.textContent;"
        ),
    )
    name = first.split(" · ")[0]
    assert "从未走访" in first or "逾期" in first
    assert name in text_of(browser, "house-chosen")
    browser.find_element("id", "visit-note").send_keys("定期走访：情绪稳定，按时报到")
    tap(browser, browser.find_element("css selector", "#visit-form button"))
    wait_for(browser, lambda d: "已记录走访" in text_of(d, "visit-message"))
    wait_for(browser, lambda d: len(d.find_elements("css selector", "#due-list li")) == count - 1)
    with database.session() as session:
        visit = session.scalar(select(Visit).order_by(Visit.id.desc()).limit(1))
        assert visit.person_id is not None
        assert session.get(Person, visit.person_id).name == name


def test_a_round_sends_the_phones_positions(center, browser):
    server, database = center
    from commandcenter.storage.models import Patrol, Position

    lon, lat = gridman_point(database)
    place_phone(browser, server, lon, lat)
    log_in(browser, server, "gridman")
    tap(browser, browser.find_element("css selector", '#tabs [data-view="patrol"]'))
    tap(browser, browser.find_element("id", "patrol-toggle"))
    wait_for(browser, lambda d: "巡查中" in text_of(d, "patrol-state"))
    wait_for(browser, lambda d: "已发送位置 0" not in text_of(d, "patrol-sent"), timeout=15)

    def rows(model):
        with database.session() as session:
            return session.scalars(
                select(model).join(User, User.id == model.user_id).where(User.username == "gridman")
            ).all()

    positions = rows(Position)
    assert positions and abs(positions[0].lon - lon) < 1e-6 and positions[0].patrol_id
    tap(browser, browser.find_element("id", "patrol-toggle"))
    wait_for(browser, lambda d: text_of(d, "patrol-state") == "未在巡查")
    assert all(p.ended_at is not None for p in rows(Patrol))


def test_the_small_map_shows_the_centers_own_basemap(
    postgres_server, demo_pg_template, browser, tmp_path
):
    """Tiles of the center's basemap (here an XYZ folder of plain magenta tiles) come through
    the server (`serve --basemap`) and lie under the grids of the report's map."""
    from commandcenter.geo.mapdata import lonlat_to_mercator
    from commandcenter.geo.tiles import tile_containing

    name = postgres_server.create_database(template=demo_pg_template)
    url = postgres_server.url_for(name)
    database = open_database(url, migrate=False)
    try:
        lon, lat = gridman_point(database)
        tile = cv2.imencode(".png", np.full((256, 256, 3), (255, 0, 255), np.uint8))[1].tobytes()
        for z in range(12, 19):
            mx, my = lonlat_to_mercator(lon, lat)
            cx, cy = tile_containing(z, float(mx), float(my))
            for x in range(cx - 3, cx + 4):
                for y in range(cy - 3, cy + 4):
                    folder = tmp_path / "tiles" / str(z) / str(x)
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{y}.png").write_bytes(tile)
        with CenterServer(url, "--basemap", str(tmp_path / "tiles")) as server:
            assert httpx_get(f"{server.url}/field/tiles/12/0/0").status_code == 404
            place_phone(browser, server, lon, lat)
            log_in(browser, server, "gridman")
            tap(browser, browser.find_element("css selector", '#tabs [data-view="report"]'))
            corner = (
                "const c = document.getElementById('pick-map');"
                "return Array.from(c.getContext('2d').getImageData(3, 3, 1, 1).data);"
            )
            wait_for(browser, lambda d: d.execute_script(corner)[3] > 0)  # a tile is drawn
            red, green, blue, _alpha = browser.execute_script(corner)
            assert red > 200 and green < 60 and blue > 200, (red, green, blue)
    finally:
        database.dispose()
        postgres_server.drop_database(name)


def httpx_get(url: str):
    import httpx

    return httpx.get(url)
