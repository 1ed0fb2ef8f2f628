import { expect, type Page } from '@playwright/test'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// Issue 11, the citizen's side: what happens after filing (home page), the
// commune search of the report form, the kind step on a phone, a tracking
// session that survives a reload, and a withdrawn report's clocks. Files
// (and withdraws) its own report.
const test = watchedTest()

/** checkAfterFiling checks the home page's "after you file" section in the page's language. */
async function checkAfterFiling(page: Page, lang: 'vi' | 'en') {
  const after = page.getByTestId('home-after')
  const words = {
    vi: {
      heading: 'Sau khi gửi đơn, điều gì sẽ diễn ra?',
      stages: ['Đã tiếp nhận', 'Đã thụ lý', 'Đang xác minh', 'Đã có kết luận', 'Đã đóng'],
      feedback: 'Giải quyết: trong 10 ngày làm việc kể từ khi nhận.',
      complaint: 'Quyết định thụ lý hay không: trong 10 ngày theo lịch kể từ khi nhận.',
      denunciation: 'gia hạn tối đa 2 lần',
      notices: 'hãy quay lại trang Theo dõi phản ánh với cả hai mã',
    },
    en: {
      heading: 'What happens after you file',
      stages: ['Received', 'Accepted for handling', 'Being investigated', 'Concluded', 'Closed'],
      feedback: 'Resolution: within 10 working days of receipt.',
      complaint: 'Decision to accept it for handling, or not: within 10 calendar days of receipt.',
      denunciation: 'extended up to 2 times',
      notices: 'come back to the tracking page with both codes',
    },
  }[lang]
  await expect(after.getByRole('heading', { level: 2 })).toHaveText(words.heading)
  await expect(after.getByTestId('home-stages').locator('li strong')).toHaveText(words.stages)
  // The time limits come from the server's policies (GET /api/v1/meta).
  await expect(after.getByTestId('home-limits-feedback')).toContainText(words.feedback)
  await expect(after.getByTestId('home-limits-complaint')).toContainText(words.complaint)
  await expect(after.getByTestId('home-limits-denunciation')).toContainText(words.denunciation)
  await expect(after.getByTestId('home-notices')).toContainText(words.notices)
  await expect(after.getByTestId('home-appeal')).toBeVisible()
}

for (const viewport of [
  { width: 1366, height: 800 },
  { width: 360, height: 740 },
]) {
  test(`the home page says what happens after filing, at ${viewport.width} px, in Vietnamese and English`, async ({ page }) => {
    await page.setViewportSize(viewport)
    await page.goto('/')
    await checkAfterFiling(page, 'vi')
    if (viewport.width === 360) await expectNoHorizontalScroll(page, 'the home page, in Vietnamese')
    await expectAccessible(page, `the home page at ${viewport.width} px, in Vietnamese`)
    await page.getByTestId('lang-en').click()
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await checkAfterFiling(page, 'en')
    if (viewport.width === 360) await expectNoHorizontalScroll(page, 'the home page, in English')
    await expectAccessible(page, `the home page at ${viewport.width} px, in English`)
  })
}

test('on a phone the kind choices come first, and the legal explanations fold out below them', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/report')
  const choice = page.getByTestId('kind-feedback')
  await expect(choice).toBeVisible()
  const explain = page.getByTestId('explain-kinds-details')
  const [choiceTop, explainTop] = [(await choice.boundingBox())!.y, (await explain.boundingBox())!.y]
  expect(choiceTop).toBeLessThan(explainTop)
  await expect(page.getByTestId('explain-anonymous-denunciation')).toBeHidden()
  await page.getByTestId('explain-anonymity-details').locator('summary').click()
  await expect(page.getByTestId('explain-anonymous-denunciation')).toContainText('Điều 25 Luật Tố cáo')
  await expectNoHorizontalScroll(page, 'the kind step')
  await expectAccessible(page, 'the kind step on a phone')
  // On a desktop the explanations come first, unfolded.
  await page.setViewportSize({ width: 1366, height: 800 })
  await expect(page.getByTestId('explain-folded')).toHaveCount(0)
  await expect(page.getByTestId('explain-anonymous-denunciation')).toBeVisible()
})

test('the commune search ignores diacritics, and a reload of the tracking page keeps the citizen signed in', async ({ page }) => {
  test.setTimeout(150_000) // files a report (proof of work) and walks the tracking page
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  const category = page.getByTestId('category')
  await category.selectOption((await category.locator('option:not([disabled])').last().getAttribute('value'))!)
  await page.getByTestId('title').fill('Cán bộ một cửa hẹn lại nhiều lần')
  await page.getByTestId('description').fill('Hồ sơ nộp đã ba tuần, mỗi lần đến đều được hẹn tuần sau mà không nêu lý do.')
  await page.getByTestId('next').click()

  // Provinces and communes in alphabetical order; a search box that ignores diacritics.
  await page.getByTestId('province').selectOption('79')
  const search = page.getByLabel('Tìm phường, xã')
  await search.fill('phuong ben')
  await expect(page.getByTestId('commune')).toHaveValue('26743')
  await expect(page.getByTestId('commune-search-count')).toHaveText('Có một kết quả, đã được chọn: Phường Bến Thành.')
  await search.fill('tan')
  // The matches, and the commune already chosen, in Vietnamese alphabetical order of the place's own name
  // (the first option is "the whole city").
  await expect(page.getByTestId('commune').locator('option')).toHaveText([
    /./,
    'Phường Bến Thành',
    'Phường Bình Tân',
    'Phường Tân Bình',
    'Phường Tân Định',
    'Phường Tân Hưng',
    'Phường Tân Phú',
    'Phường Tân Sơn Nhất',
    'Phường Tân Thuận',
  ])
  await expect(page.getByTestId('commune-search-count')).toHaveText('Có 7 phường, xã phù hợp. Hãy chọn trong danh sách bên dưới.')
  await search.fill('tan dinh')
  await expect(page.getByTestId('commune')).toHaveValue('26734')
  await expectAccessible(page, 'the where step with the commune search')
  await search.press('Enter') // stays on the step
  await expect(page.getByTestId('step-where')).toBeVisible()
  await page.getByTestId('next').click()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('review')).toBeVisible()
  await expect(page.getByTestId('review')).toContainText('Phường Tân Định')
  await page.getByTestId('anonymous-yes').check()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('receipt')).toBeVisible()
  const code = (await page.getByTestId('tracking-code').textContent())!.trim()
  await Promise.all([page.waitForEvent('download'), page.getByTestId('save-card').click()])
  await page.getByTestId('saved').check()
  await page.getByTestId('follow').click()
  await expect(page.getByTestId('tracked-code')).toHaveText(code)

  // A reload keeps the tracking view open: the session lives in this tab's sessionStorage, never localStorage.
  await page.reload()
  await expect(page.getByTestId('tracked-code')).toHaveText(code)
  await expect(page.getByTestId('track-login')).toHaveCount(0)
  const stored = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }))
  expect(JSON.stringify(stored.session)).toContain('token')
  expect(JSON.stringify(stored.local)).not.toContain('token')
  await expectAccessible(page, 'the tracking page after a reload')

  // Withdrawn, the report's clocks say the withdrawal stopped them: not "done on time", not "no deadline has started".
  await page.getByTestId('withdraw-reason').fill('Cơ quan đã giải quyết hồ sơ của tôi.')
  await page.getByTestId('withdraw-open').click()
  await page.getByTestId('withdraw-confirm').click()
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã rút đơn')
  await expect(page.getByTestId('track-clock')).toHaveText([
    /^Quyết định thụ lý: dừng vào .+, khi bạn rút đơn \(hạn chót là .+\)$/,
    /^Giải quyết: dừng vào .+, khi bạn rút đơn \(hạn chót là .+\)$/,
  ])
  await expect(page.getByTestId('track-clocks')).not.toContainText('đúng hạn')
  await expect(page.getByTestId('track-no-clocks')).toHaveCount(0)
  await expectAccessible(page, 'the tracking page of a withdrawn report')

  // Signing out removes it: a reload then shows the sign-in form.
  await page.getByTestId('track-logout').click()
  await expect(page.getByTestId('track-login')).toBeVisible()
  await page.reload()
  await expect(page.getByTestId('track-login')).toBeVisible()
  expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage }))).not.toContain('token')
})
