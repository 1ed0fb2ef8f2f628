import { defineConfig } from '@playwright/test'

// End-to-end tests drive Debian's Chromium (/usr/bin/chromium) against the
// real portal binary (../bin/portal, built by `make build`) on a fresh data
// directory. Playwright's own browser downloads are never used.
// E2E_PORT lets several checkouts run the suite side by side.
const port = Number(process.env.E2E_PORT ?? 18080)
const baseURL = `http://127.0.0.1:${port}`
// The transparency spec's own portal (statsBaseURL in e2e/watch.ts: the
// same port plus one).
const statsPort = port + 1
const statsBaseURL = `http://127.0.0.1:${statsPort}`

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    bypassCSP: false,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // A fresh data directory; before `serve`, the admins are created with
  // `portal admin create-user` (password on stdin), as an operator would:
  // one for staff.spec.ts, one for story.spec.ts, one for custody.spec.ts,
  // one for originals.spec.ts, one for queue.spec.ts, one for forms.spec.ts,
  // one for stafflayout.spec.ts, one for figures.spec.ts, one for
  // reception.spec.ts, one for logwitness.spec.ts (each enrols its own
  // TOTP, so the specs do not depend on their order). transparency.spec.ts
  // has a portal of its own (the second server below).
  // PORTAL_REQUIRE_2FA makes admins and leads enrol TOTP at first sign-in.
  // PORTAL_COOLING_PERIOD=1m (72h by default) lets custody.spec.ts and
  // originals.spec.ts wait out the cooling period of the accounts they
  // create instead of skipping it.
  webServer: [
    {
    command:
      `sh -c 'd=$(mktemp -d) && ` +
      `printf "%s\\n" "Quản-trị-viên-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email admin@e2e.test --role admin --name "Quản trị E2E" && ` +
      `printf "%s\\n" "Báo-cáo-sơ-kết-tổng-kết-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email figures-admin@e2e.test --role admin --name "Quản trị báo cáo" && ` +
      `printf "%s\\n" "Quản-trị-gió-mùa-đông-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email story-admin@e2e.test --role admin --name "Quản trị câu chuyện" && ` +
      `printf "%s\\n" "Sông-Hồng-mùa-lũ-về-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email custody-admin@e2e.test --role admin --name "Quản trị danh tính" && ` +
      `printf "%s\\n" "Sông-Cửu-Long-chín-nhánh-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email originals-admin@e2e.test --role admin --name "Quản trị tệp gốc" && ` +
      `printf "%s\\n" "Phố-cổ-Hội-An-đèn-lồng-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email queue-admin@e2e.test --role admin --name "Quản trị hàng đợi" && ` +
      `printf "%s\\n" "Biểu-mẫu-sửa-lỗi-ngay-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email forms-admin@e2e.test --role admin --name "Quản trị biểu mẫu" && ` +
      `printf "%s\\n" "Bố-cục-màn-hình-rộng-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email layout-admin@e2e.test --role admin --name "Quản trị bố cục" && ` +
      `printf "%s\\n" "Tiếp-công-dân-ngày-thứ-năm-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email reception-admin@e2e.test --role admin --name "Quản trị tiếp nhận" && ` +
      `printf "%s\\n" "Sổ-công-khai-có-người-chứng-kiến-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email log-admin@e2e.test --role admin --name "Quản trị sổ công khai" && ` +
      `PORTAL_DATA_DIR=$d PORTAL_ADDR=127.0.0.1:${port} PORTAL_REQUIRE_2FA=true PORTAL_COOLING_PERIOD=1m exec ../bin/portal serve'`,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    },
    // A second portal, on a data directory of its own, for transparency.spec.ts
    // alone: the public figures of a world holding only that spec's reports,
    // so that it can expect exact figures and labels (on the shared portal,
    // other specs' small counts can make the protection withhold its own).
    {
      command:
        `sh -c 'd=$(mktemp -d) && ` +
        `printf "%s\\n" "Số-liệu-công-khai-minh-bạch-2026!" | PORTAL_DATA_DIR=$d ../bin/portal admin create-user --email stats-admin@e2e.test --role admin --name "Quản trị số liệu" && ` +
        `PORTAL_DATA_DIR=$d PORTAL_ADDR=127.0.0.1:${statsPort} PORTAL_REQUIRE_2FA=true exec ../bin/portal serve'`,
      url: `${statsBaseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
})
