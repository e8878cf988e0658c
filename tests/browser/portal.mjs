// The portal end to end in Debian's headless Chromium, as its users go: a commune logs in
// with its one-time password, chooses its own, checks its return and sees the finding on
// its cell, submits, downloads its feedback; the office returns it with a reason; the
// commune sees the reason and resubmits the corrected file; the office accepts it and
// downloads the consolidated workbook. Every page is screenshot under SHOTS.
// Environment: URL, UNIT_PW, OFFICE_PW (one-time passwords), SHOTS, DEMO (fixtures/demo).
// Prints "PASS …"/"FAIL …" per check and "N passed, N failed".
// SPDX-License-Identifier: MIT
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const URL = process.env.URL;
const SHOTS = process.env.SHOTS;
const DEMO = process.env.DEMO;
const NEW_PW = 'Mùa thu Thanh Miện 2023';
let passed = 0, failed = 0;

function check(ok, what) {
	if (ok) { passed++; console.log('PASS ' + what); } else { failed++; console.log('FAIL ' + what); }
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

async function text(page) {
	return (await page.textContent('body')) || '';
}

async function login(page, name, pw) {
	await page.goto(URL + '/');
	await page.fill('#name', name);
	await page.fill('#password', pw);
	await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit].primary')]);
}

async function firstLogin(page, name, otp, shotName) {
	await login(page, name, otp);
	check(page.url().endsWith('/mat-khau'), name + ': the first login asks for a new password');
	await shot(page, shotName);
	await page.fill('#current', otp);
	await page.fill('#new', NEW_PW);
	await page.fill('#again', NEW_PW);
	await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
}

async function logout(page) {
	await Promise.all([page.waitForLoadState('load'), page.click('header button.link')]);
	check(page.url().endsWith('/dang-nhap'), 'logged out');
}

async function upload(page, file, action) {
	await page.goto(URL + '/xa');
	await page.selectOption('#period', '2023-Q3');
	await page.setInputFiles('#file', path.join(DEMO, file));
	await Promise.all([page.waitForLoadState('load'), page.click(`button[name=action][value=${action}]`)]);
}

async function download(page, selector, to) {
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
	await dl.saveAs(to);
	return fs.statSync(to).size;
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'th-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	acceptDownloads: true,
	viewport: { width: 1100, height: 800 },
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
const consoleErrors = [];
// a status the test asks for (401, 403) is no error of the page; a script or CSP error is
page.on('console', m => {
	if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 40[13]/.test(m.text()))
		consoleErrors.push(m.text());
});
page.on('pageerror', e => consoleErrors.push(String(e)));

try {
	// ---- the commune ----
	await page.goto(URL + '/');
	check(page.url().endsWith('/dang-nhap'), 'nobody is sent to the login page');
	await shot(page, '01-dang-nhap');
	await login(page, '11263', 'sai-mat-khau');
	check((await text(page)).includes('tên đăng nhập hoặc mật khẩu không đúng'), 'a wrong password is said');
	await firstLogin(page, '11263', process.env.UNIT_PW, '02-doi-mat-khau');
	check(page.url().endsWith('/xa'), 'the commune lands on its page');
	check((await text(page)).includes('Xã Đoàn Kết'), 'its page names its unit');
	await shot(page, '03-trang-xa');

	await upload(page, '11263-doanket-v1.xlsx', 'check');
	let t = await text(page);
	check(t.includes('Kết quả kiểm tra') && t.includes('chưa được nộp'), 'a check says nothing was submitted');
	check(t.includes('Biểu mẫu 3, ô D17') && t.includes('99,85') && t.includes('9,98'),
		'the check shows the finding on its cell with written and expected values');
	await shot(page, '04-ket-qua-kiem-tra');

	await upload(page, '11263-doanket-v1.xlsx', 'submit');
	t = await text(page);
	check(/\/bao-cao\/\d+/.test(page.url()) && t.includes('Đã nộp báo cáo'), 'submitting leads to the return page');
	check(t.includes('Biểu mẫu 3, ô D17'), 'the submitted return shows the finding on its cell');
	await shot(page, '05-bao-cao-da-nop');
	const fb = path.join(SHOTS, 'phan-hoi.xlsx');
	check(await download(page, 'a[href$="/phan-hoi"]', fb) > 5000, 'the feedback workbook downloads');
	const v1 = page.url().match(/\/bao-cao\/(\d+)/)[1];
	await logout(page);

	// ---- the office returns it ----
	await firstLogin(page, 'vanphong', process.env.OFFICE_PW, '06-van-phong-doi-mat-khau');
	check(page.url().endsWith('/van-phong'), 'the office lands on the periods');
	await shot(page, '07-cac-ky');
	await page.click('a[href="/van-phong/ky/2023-Q3"]');
	t = await text(page);
	check(t.includes('Đã nhận 1/17'), 'the dashboard counts 1 of 17 units');
	await shot(page, '08-bang-theo-doi');
	await page.click('a[href="/van-phong/ky/2023-Q3?loc=chua-nop"]');
	t = await text(page);
	check(t.includes('Xã Thanh Tùng') && !t.includes('Xã Đoàn Kết'), 'the filter shows the units that have not sent');
	await page.goto(URL + '/bao-cao/' + v1);
	await shot(page, '09-xem-xet');
	await page.fill('#reason', 'Dòng 3.3.1 (số hồ sơ) ghi 6530, kiểm tra lại');
	await Promise.all([page.waitForLoadState('load'), page.click('button[name=decision][value=return]')]);
	check((await text(page)).includes('Lý do trả lại: Dòng 3.3.1'), 'the office returns it with a reason');
	await logout(page);

	// ---- the commune sees the reason and resubmits ----
	await login(page, '11263', NEW_PW);
	t = await text(page);
	check(t.includes('bị trả lại') && t.includes('Dòng 3.3.1 (số hồ sơ) ghi 6530'), 'the commune sees the reason');
	await shot(page, '10-xa-bi-tra-lai');
	await upload(page, '11263-doanket-v2.xlsx', 'submit');
	t = await text(page);
	check(t.includes('Không có phát hiện nào'), 'the corrected return has no finding');
	const v2 = page.url().match(/\/bao-cao\/(\d+)/)[1];
	check(v2 !== v1, 'the resubmission is a new version');
	await logout(page);

	// ---- the office accepts and downloads the workbook ----
	await login(page, 'vanphong', NEW_PW);
	await page.goto(URL + '/van-phong/ky/2023-Q3');
	await Promise.all([page.waitForLoadState('load'), page.click(`a[href="/bao-cao/${v2}"]`)]);
	t = await text(page);
	check(t.includes('Số liệu thay đổi so với bản #' + v1) && t.includes('6530') && t.includes('653'),
		'the office sees which figures changed');
	await shot(page, '11-ban-moi');
	await Promise.all([page.waitForLoadState('load'), page.click('button[name=decision][value=accept]')]);
	check((await text(page)).includes('đã tiếp nhận'), 'the office accepts it');
	await page.goto(URL + '/van-phong/ky/2023-Q3');
	await shot(page, '12-bang-theo-doi-sau');
	const wb = path.join(SHOTS, 'tong-hop.xlsx');
	check(await download(page, 'a[href="/van-phong/ky/2023-Q3/tong-hop"]', wb) > 5000, 'the workbook downloads');
	await page.goto(URL + '/van-phong/nhat-ky');
	t = await text(page);
	check(t.includes('return.return') && t.includes('return.accept') && t.includes('workbook.download'),
		'the audit log holds each step');
	await shot(page, '13-nhat-ky');
	// a commune's page never reaches the office's
	await logout(page);
	await login(page, '11263', NEW_PW);
	const resp = await page.goto(URL + '/van-phong/ky/2023-Q3');
	check(resp.status() === 403, 'the commune gets 403 on the office dashboard');
	await shot(page, '14-khong-duoc-phep');
	check(consoleErrors.length === 0, 'no script or CSP error in the console' +
		(consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''));
} catch (e) {
	check(false, 'the walk-through ran to its end: ' + e.message.split('\n')[0]);
	await shot(page, '99-loi').catch(() => {});
} finally {
	await ctx.close();
	fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
