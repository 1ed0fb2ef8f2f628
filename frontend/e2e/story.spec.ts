import { readFile } from 'node:fs/promises'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import { adminCreator, enrolOnPage, setOwnPassword, signIn, signOut } from './staffHelpers'
import { expectAccessible, watchedTest } from './watch'

// The whole story of one report, in the browser, against the real portal:
// a citizen files a named complaint; the lead assigns it to an inspector by
// name; the inspector accepts and investigates it; the Front committee's monitor recommends; the inspector answers and
// proposes a conclusion; the lead concludes it and publishes the summary;
// the public sees the outcome; the citizen reads it, with the clocks in
// words, and rates it, which closes it; the audit trail verifies; and the
// citizen appeals, getting the second-round report's codes and proof of filing;
// the lead re-routes that round-2 report to the city inspectorate.
//
// Only the admin's set-up (units, routing rule, accounts, and each account's
// first change of the password the admin set) goes through the API. The admin is story-admin@e2e.test, which playwright.config.ts creates
// for this spec, so the spec does not depend on staff.spec.ts enrolling
// admin@e2e.test first. E-mails are checked by the Go story test.

// Every page is watched (console errors, exceptions, CSP violations). Two
// kinds of failed requests are the protocol here, which Chromium logs as
// console errors: 401s of /api/v1/auth/* (no refresh cookie yet; "a code is
// required"), and the 400 that refuses a public summary with personal data.
const test = watchedTest(
  (msg) =>
    (/status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/')) ||
    (/status of 400/.test(msg.text()) && /\/api\/v1\/cases\/[^/]+\/transitions$/.test(msg.location().url)),
)

const ADMIN = { email: 'story-admin@e2e.test', password: 'Quản-trị-gió-mùa-đông-2026!' }
const PASSWORD = 'Mật-khẩu-câu-chuyện-2026'
const TEMP = 'Tạm-thời-câu-chuyện-2026'
const INSPECTOR = { email: 'thanh-tra@story.e2e.test', name: 'Lê Thanh Tra', role: 'inspector' }
const LEAD = { email: 'lanh-dao@story.e2e.test', name: 'Phạm Lãnh Đạo', role: 'lead' }
const MONITOR = { email: 'giam-sat@story.e2e.test', name: 'Võ Giám Sát', role: 'monitor' }

// Phường Bến Thành, Thành phố Hồ Chí Minh; papers demanded beyond the procedure.
const PROVINCE = '79'
const COMMUNE = '26743'
const CATEGORY = 'extra_papers'
const UNIT = 'Thanh tra phường Bến Thành'
const FRONT = 'Ủy ban MTTQ phường Bến Thành'
const CITY_UNIT = 'Thanh tra Thành phố Hồ Chí Minh (câu chuyện)'

const CITIZEN = { name: 'Trần Thị Bình', phone: '0912 345 678', email: 'binh.tran@example.org' }
const TITLE = 'Bị đòi thêm giấy tờ ngoài quy định khi đăng ký biến động đất đai'
const OFFICE = 'Văn phòng đăng ký đất đai chi nhánh Bến Thành'
const REC = 'Đề nghị xác minh và trả lời người dân trước hạn.'
const ANSWER = 'Đã làm việc với cán bộ quầy 2 và yêu cầu giải trình.'
const ACTIONS = 'Nhắc nhở, kiểm điểm cán bộ quầy 2; niêm yết lại danh mục giấy tờ của thủ tục.'
const REPLY = 'Phản ánh của ông/bà là đúng. Cán bộ đã bị kiểm điểm; hồ sơ được tiếp nhận lại.'
const SUMMARY = 'Cán bộ quầy 2 yêu cầu giấy tờ ngoài danh mục của thủ tục đăng ký biến động; đã bị kiểm điểm.'

/** A day (YYYY-MM-DD) n days from today in Vietnam. */
function vnDayIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' })
}

/** setUp signs the admin in through the API (enrolling TOTP), then creates the units, the routing rule and the staff. */
async function setUp(request: APIRequestContext) {
  const create = await adminCreator(request, ADMIN)
  const unit = await create('units', {
    code: 'tt-ben-thanh',
    name: { vi: UNIT, en: 'Ben Thanh Ward Inspectorate' },
    type: 'inspection',
    areaCodes: [COMMUNE],
  })
  const front = await create('units', {
    code: 'mttq-ben-thanh',
    name: { vi: FRONT, en: 'Ben Thanh Ward Front Committee' },
    type: 'front',
    areaCodes: [COMMUNE],
  })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'story' })
  // Where the lead re-routes the appeal at the end.
  await create('units', { code: 'tt-tp-hcm-story', name: { vi: CITY_UNIT, en: 'HCMC Inspectorate (story)' }, type: 'inspection', areaCodes: [PROVINCE] })
  for (const u of [INSPECTOR, LEAD, MONITOR]) {
    await create('users', { ...u, unitId: u.role === 'monitor' ? front.id : unit.id, password: TEMP })
    // The admin's password opens only the change to the account's own (here, for the story, through the API).
    await setOwnPassword(request, u.email, TEMP, PASSWORD)
  }
}

/** signInWithRecovery signs a lead in with a recovery code instead of the authenticator's. */
async function signInWithRecovery(page: Page, email: string, code: string) {
  await signIn(page, email, PASSWORD)
  await page.getByRole('button', { name: 'Không có điện thoại? Dùng mã khôi phục' }).click()
  await page.getByLabel('Mã khôi phục').fill(code)
  await page.getByRole('button', { name: 'Xác nhận' }).click()
}

test('the whole story: filed, assigned, handled, recommended, concluded, published, rated, audited, appealed and re-routed', async ({ page, request }) => {
  test.setTimeout(90_000)
  await setUp(request)

  // ---- 2. A citizen files a named complaint, with an e-mail address.
  await page.goto('/report')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gửi phản ánh')
  await page.getByTestId('kind-complaint').check()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 2 trên 5')
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByLabel('Tiêu đề').fill(TITLE)
  await page
    .getByLabel('Nội dung')
    .fill('Ngày 10/11, cán bộ quầy 2 yêu cầu tôi nộp thêm bản sao giấy khai sinh và xác nhận cư trú, không có trong danh mục thủ tục.')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 3 trên 5')
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('place').fill('Bộ phận một cửa')
  await page.getByTestId('office').fill(OFFICE)
  await page.getByTestId('counter').fill('Quầy 2')
  await page.getByTestId('procedure').fill('Đăng ký biến động quyền sử dụng đất')
  await page.getByTestId('dossierNumber').fill('BĐ-2026-1107')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await page.getByTestId('next').click() // no evidence
  await expect(page.getByTestId('step-heading')).toContainText('Bước 5 trên 5')
  await page.getByTestId('identity-name').fill(CITIZEN.name)
  await page.getByTestId('identity-phone').fill(CITIZEN.phone)
  await page.getByTestId('identity-email').fill(CITIZEN.email)
  await page.getByTestId('submit').click()

  // The receipt screen: the secret card saved, and the signed proof of filing.
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByTestId('receipt')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  const code = (await page.getByTestId('tracking-code').textContent())!.trim()
  const receipt = (await page.getByTestId('receipt').textContent())!.trim()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải giấy xác nhận đã gửi (PDF)' }).click()])
  expect((await readFile((await download.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lưu thẻ mã bí mật' }).click()])
  await page.getByLabel('Tôi đã lưu mã bí mật').check()
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/$/)

  // ---- 2b. The lead enrols two-step sign-in, opens the report from the unit's queue and assigns it to the inspector by name.
  await page.getByTestId('staff-signin-link').click()
  await signIn(page, LEAD.email, PASSWORD)
  await expect(page.getByTestId('login-enrol')).toBeVisible()
  const recovery = await enrolOnPage(page, new Set())
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await page.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-assignee')).toHaveText('Chưa giao cho ai')
  await expect(page.getByTestId('case-unit')).toHaveText(UNIT)
  await expect(page.getByTestId('case-front-unit')).toHaveText(FRONT)
  await page.getByLabel('Giao cho', { exact: true }).selectOption({ label: `${INSPECTOR.name} — Thanh tra viên` })
  await page.getByRole('button', { name: 'Giao xử lý' }).click()
  await expect(page.getByTestId('case-status')).toHaveText(`Đã giao phản ánh cho ${INSPECTOR.name}.`)
  await expect(page.getByTestId('case-assignee')).toHaveText(INSPECTOR.name)
  await expect(page.getByTestId('case-event').filter({ hasText: 'Phân công' })).toContainText(`Giao cho ${INSPECTOR.name}`)
  await expectAccessible(page, 'the lead’s assignment form')
  await signOut(page)

  // ---- 3. The inspector finds it in the unit's queue (by the office, any case), sees it is theirs, accepts it, investigates.
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await expect(page.getByTestId('queue-unit')).toHaveText('Đơn vị: Thanh tra phường Bến Thành')
  await page.getByLabel('Cơ quan bị phản ánh').fill('VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI')
  await page.getByRole('button', { name: 'Lọc', exact: true }).click()
  await expect(page).toHaveURL(/[?&]office=/)
  const row = page.getByTestId('queue-row').filter({ hasText: code })
  await expect(row).toContainText('Đã tiếp nhận')
  await row.getByRole('link', { name: new RegExp(`Mở hồ sơ ${code}`) }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  const caseUrl = new URL(page.url()).pathname
  const caseId = caseUrl.split('/').pop()!
  await expect(page.getByTestId('case-assignee')).toHaveText('bạn')
  await expect(page.getByTestId('case-event').filter({ hasText: 'Phân công' })).toContainText(`— ${LEAD.name} (nội bộ)`)

  const move = async (to: string, status: string) => {
    await page.getByLabel('Bước tiếp theo').selectOption(to)
    await page.getByRole('button', { name: 'Chuyển trạng thái' }).click()
    await expect(page.getByTestId('case-status')).toHaveText(`Đã chuyển sang trạng thái: ${status}.`)
    await expect(page.getByTestId('case-status-now')).toHaveText(`Trạng thái: ${status}`)
  }
  await move('accepted', 'Đã thụ lý')
  await move('investigating', 'Đang xác minh')
  await expect(page.getByTestId('case-clock').first()).toHaveText(/^Thời hạn thụ lý: đã hoàn thành ngày \d{2}\/\d{2}\/\d{4}$/)
  await signOut(page)

  // ---- 4. The monitor sees it in the committee's queue, without the identity, and recommends.
  await signIn(page, MONITOR.email, PASSWORD)
  await expect(page.getByTestId('queue-read-only')).toBeVisible()
  await page.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-identity')).toHaveText('Có danh tính (được bảo vệ, chỉ xem qua yêu cầu có phê duyệt)')
  await expect(page.getByTestId('case-actions')).toHaveCount(0)
  await expect(page.getByTestId('case-assignee')).toHaveText(INSPECTOR.name)
  await expect(page.getByTestId('case-unit')).toHaveText(UNIT)
  await expect(page.getByTestId('case-front-unit')).toHaveText(FRONT)
  const shown = await page.locator('main').innerText()
  for (const personal of [CITIZEN.name, CITIZEN.email, '0912', '345 678']) expect(shown).not.toContain(personal)
  await page.getByLabel('Nội dung kiến nghị').fill(REC)
  await page.getByLabel('Hạn trả lời').fill(vnDayIn(7))
  await page.getByRole('button', { name: 'Gửi kiến nghị' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã gửi kiến nghị.')
  await expect(page.getByTestId('case-rec')).toContainText(REC)
  await signOut(page)

  // ---- 5. The inspector (straight to the report: sign-in comes back to it) answers and proposes.
  await page.goto(caseUrl)
  await expect(page).toHaveURL(/\/staff\/login\?redirect=/)
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await page.getByLabel('Trả lời kiến nghị').fill(ANSWER)
  await page.getByRole('button', { name: 'Gửi trả lời' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã gửi trả lời kiến nghị.')
  await expect(page.getByTestId('case-rec-answer')).toContainText(ANSWER)
  // An inspector cannot conclude: the report offers the proposal instead.
  await expect(page.getByTestId('case-no-moves')).toBeVisible()
  const proposal = page.getByTestId('case-proposal-form')
  await proposal.getByLabel('Kết quả xác minh').selectOption('substantiated')
  await proposal.getByLabel('Biện pháp xử lý').fill(ACTIONS)
  await proposal.getByLabel('Trả lời người phản ánh').fill(REPLY)
  await proposal.getByRole('textbox', { name: 'Tóm tắt công khai' }).fill(SUMMARY)
  await proposal.getByRole('button', { name: 'Gửi đề xuất' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã gửi đề xuất kết luận cho lãnh đạo.')
  await expect(page.getByTestId('case-proposal')).toContainText(ACTIONS)
  await expect(page.getByTestId('case-event').filter({ hasText: 'Đề xuất kết luận' })).toContainText('Kết quả đề xuất: Đúng')
  await signOut(page)

  // ---- 6. The lead (with a recovery code) sees the inspector's proposal and concludes it, publishing the summary.
  await page.goto(caseUrl)
  await signInWithRecovery(page, LEAD.email, recovery[0]!)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-proposal')).toContainText(SUMMARY)
  await expect(page.getByText(`Đề xuất bởi ${INSPECTOR.name}, `)).toBeVisible()
  await page.getByLabel('Bước tiếp theo').selectOption('concluded')
  await expect(page.getByTestId('case-move-prefilled')).toBeVisible()
  const conclusion = page.getByTestId('case-move-form')
  await expect(conclusion.getByLabel('Kết quả xác minh')).toHaveValue('substantiated')
  await expect(conclusion.getByLabel('Biện pháp xử lý')).toHaveValue(ACTIONS)
  await expect(conclusion.getByRole('textbox', { name: 'Tóm tắt công khai' })).toHaveValue(SUMMARY)
  await conclusion.getByLabel('Duyệt công bố tóm tắt công khai').check()
  await expectAccessible(page, 'the lead’s conclusion form')
  // A summary naming the complainant is refused (400, fields.publicSummary = identity), next to the field.
  await conclusion.getByRole('textbox', { name: 'Tóm tắt công khai' }).fill(`${SUMMARY} Người phản ánh là bà ${CITIZEN.name} ở phường Bến Thành.`)
  await conclusion.getByRole('button', { name: 'Chuyển trạng thái' }).click()
  // A conclusion cannot be undone: the form asks first.
  await conclusion.getByRole('button', { name: 'Gửi kết luận' }).click()
  await expect(page.getByTestId('error-move-summary')).toContainText('có chứa thông tin cá nhân của người phản ánh')
  await expect(conclusion.getByRole('textbox', { name: 'Tóm tắt công khai' })).toBeFocused()
  await expect(page.getByTestId('case-status-now')).toHaveText('Trạng thái: Đang xác minh')
  // The proposal's summary, as it was, goes through.
  await conclusion.getByRole('textbox', { name: 'Tóm tắt công khai' }).fill(SUMMARY)
  await conclusion.getByRole('button', { name: 'Chuyển trạng thái' }).click()
  await conclusion.getByRole('button', { name: 'Gửi kết luận' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã chuyển sang trạng thái: Đã có kết luận.')
  await expect(page.getByTestId('case-outcome')).toContainText(SUMMARY)
  await expect(page.getByTestId('case-outcome-published')).toHaveText(/^Đã công bố tóm tắt: /)
  await expect(page.getByTestId('case-event').filter({ hasText: 'Công bố tóm tắt kết quả' })).toHaveCount(1)
  await signOut(page)

  // ---- 7. The public outcomes page shows the summary, and nothing personal.
  await page.goto('/')
  await page.getByTestId('home-outcomes').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kết quả đã công bố')
  const published = page.getByTestId('outcome').filter({ hasText: SUMMARY })
  await expect(published).toHaveCount(1)
  await expect(published.getByTestId('outcome-result')).toHaveText('Đúng')
  await expect(published).not.toContainText(CITIZEN.name)
  await expectAccessible(page, 'the published outcomes')

  // ---- 8. The citizen opens the report, reads the outcome and the clocks in words, rates it, and it closes.
  await page.getByRole('navigation').getByRole('link', { name: 'Theo dõi phản ánh' }).click()
  await page.getByLabel('Mã theo dõi').fill(code)
  await page.getByLabel('Mã bí mật').fill(receipt)
  await page.getByRole('button', { name: 'Xem phản ánh' }).click()
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã có kết luận')
  await expect(page.getByTestId('track-outcome-result')).toHaveText('Đúng')
  await expect(page.getByTestId('track-outcome-reply')).toHaveText(REPLY)
  await expect(page.getByTestId('track-clock')).toHaveText([
    /^Quyết định thụ lý: đã quyết định đúng hạn, ngày .+ \d{4}$/,
    /^Giải quyết: đã giải quyết đúng hạn, ngày .+ \d{4}$/,
  ])
  await expectAccessible(page, 'the tracking page of a concluded report')
  await page.getByLabel(/^★★★★★\s*5 trên 5 sao: Rất hài lòng$/).check()
  await page.getByLabel('Nhận xét (không bắt buộc)').fill('Cơ quan xử lý nhanh và trả lời rõ ràng.')
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click()
  await expect(page.getByTestId('track-notice-ok')).toHaveText('Cảm ơn bạn đã đánh giá. Đơn đã được đóng.')
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã đóng')
  await expect(page.getByTestId('track-rating-given')).toContainText('Bạn đã đánh giá 5 trên 5 sao')
  await expect(page.getByTestId('timeline-item').filter({ hasText: 'Bạn đánh giá kết quả' })).toContainText('5/5 sao')
  await expect(page.getByTestId('rating')).toHaveCount(0)

  // ---- 9. The lead (with another recovery code) sees it closed and rated, and checks the audit trail; so does the API.
  await page.goto(caseUrl)
  await signInWithRecovery(page, LEAD.email, recovery[1]!)
  await expect(page.getByTestId('case-status-now')).toHaveText('Trạng thái: Đã đóng')
  await expect(page.getByTestId('case-event').filter({ hasText: 'Người phản ánh đánh giá' })).toContainText('5/5 sao')
  await expect(page.getByTestId('case-rating')).toHaveText(/^5 trên 5 sao \(Rất hài lòng\), .+\.$/)
  await expect(page.getByTestId('case-rating-comment')).toHaveText('Nhận xét: Cơ quan xử lý nhanh và trả lời rõ ràng.')
  await page.getByRole('button', { name: 'Kiểm tra chuỗi nhật ký' }).click()
  await expect(page.getByTestId('case-audit-result')).toHaveText('Chuỗi nhật ký hợp lệ')

  const login = await request.post('/api/v1/auth/login', { data: { email: LEAD.email, password: PASSWORD, totp: recovery[2] } })
  expect(login.status()).toBe(200)
  const audit = await request.get(`/api/v1/cases/${caseId}/audit`, {
    headers: { Authorization: `Bearer ${(await login.json()).accessToken}` },
  })
  expect(audit.status()).toBe(200)
  const chain = (await audit.json()) as { valid: boolean; events: { type: string }[] }
  expect(chain.valid).toBe(true)
  expect(chain.events.map((e) => e.type)).toEqual(
    expect.arrayContaining([
      'submitted',
      'status_accepted',
      'status_investigating',
      'recommendation',
      'recommendation_answered',
      'conclusion_proposed',
      'status_concluded',
      'summary_published',
      'rated',
    ]),
  )
  await signOut(page)

  // ---- 10. Still disagreeing, the citizen appeals: the round-2 report's codes, and its signed proof of filing at once.
  // The tracking session of step 8 lives on in this tab (sessionStorage), so the report opens without the codes.
  await page.goto('/track')
  await expect(page.getByTestId('tracked-code')).toHaveText(code)
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã đóng')
  await page.getByLabel('Lý do bạn không đồng ý').fill('Tôi đề nghị xem xét trách nhiệm của người đứng đầu văn phòng.')
  await page.getByRole('button', { name: 'Gửi đơn lần hai' }).click()
  const appeal = page.getByTestId('appeal-receipt-panel')
  await expect(appeal.getByRole('heading', { name: 'Đơn lần hai đã được tiếp nhận' })).toBeFocused()
  await expect(appeal.getByTestId('appeal-tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  const code2 = (await appeal.getByTestId('appeal-tracking-code').textContent())!.trim()
  expect(code2).not.toBe(code)
  await expect(appeal.getByTestId('appeal-receipt')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  const [appealPdf] = await Promise.all([page.waitForEvent('download'), appeal.getByRole('button', { name: 'Tải giấy xác nhận đã gửi (PDF)' }).click()])
  expect(appealPdf.suggestedFilename()).toBe(`minh-bach-${code2}.pdf`)
  expect((await readFile((await appealPdf.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã khiếu nại, tố cáo tiếp')
  await Promise.all([page.waitForEvent('download'), appeal.getByRole('button', { name: 'Lưu thẻ mã bí mật' }).click()])
  await appeal.getByLabel('Tôi đã lưu mã bí mật').check()
  await appeal.getByRole('button', { name: 'Theo dõi đơn lần hai' }).click()
  await expect(page.getByTestId('tracked-code')).toHaveText(code2)
  await expect(page.getByTestId('tracked-appeal-of')).toContainText(code)
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã tiếp nhận')

  // ---- 11. The lead (another recovery code) re-routes the round-2 report to the city inspectorate; it leaves the unit's queue.
  await page.goto('/staff/queue')
  await signInWithRecovery(page, LEAD.email, recovery[3]!)
  await page.getByTestId('queue-row').filter({ hasText: code2 }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code2}`)
  await page.getByRole('button', { name: 'Chọn đơn vị mới' }).click()
  const reroute = page.getByTestId('case-route-form')
  await expect(reroute.getByLabel('Đơn vị thanh tra mới')).not.toContainText(UNIT)
  await reroute.getByLabel('Đơn vị thanh tra mới').selectOption({ label: CITY_UNIT })
  await expect(reroute.getByLabel('Ủy ban Mặt trận giám sát')).toHaveValue('')
  await reroute.getByLabel('Lý do chuyển').fill('Khiếu nại lần hai thuộc thẩm quyền của thanh tra thành phố.')
  await expectAccessible(page, 'the lead’s re-routing form')
  await reroute.getByRole('button', { name: 'Chuyển đơn vị' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Đã chuyển phản ánh ${code2}`)
  await expect(page.getByTestId('case-rerouted-to')).toHaveText(`Phản ánh đã được chuyển sang ${CITY_UNIT}.`)
  await page.getByTestId('case-rerouted-queue').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  // The round-1 report stays with the unit; the round-2 report has left it.
  await expect(page.getByTestId('queue-row').filter({ hasText: code })).toHaveCount(1)
  await expect(page.getByTestId('queue-row').filter({ hasText: code2 })).toHaveCount(0)
})
