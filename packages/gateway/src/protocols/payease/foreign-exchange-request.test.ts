import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../domain/errors.js';
import { parseFxOrderRequest } from './foreign-exchange-request.js';

const base = {
  merchantId: '100000001',
  requestId: 'fx-1',
  orderAmount: '10000',
  orderCurrency: 'USD',
  currency: 'USD',
  forUse: 'GOODSTRADE',
  notifyUrl: 'https://shop.example/n',
  callbackUrl: 'https://shop.example/r',
  productDetails: [{ name: '机床配件', quantity: '2', amount: '5000', tradeType: '未纳入海关' }],
  payer: { name: '张三', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
};

function refused(payload: Record<string, unknown>): { code: string; field?: string } {
  try {
    parseFxOrderRequest(payload);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, ...(error.params.field ? { field: error.params.field } : {}) };
    throw error;
  }
  throw new Error('accepted');
}

/** A valid object for each purpose, and one way each is wrong. */
const PURPOSES: [string, string, unknown, (v: never) => unknown, string][] = [
  ['PLANETICKET', 'ticketInfos', [{ airlineName: 'Emirates', crewName: '张三', flight: 'EK380', freightSpaceClass: 'Y', fromTo: 'DXB-HKG', departureArrivalTime: '20260601 10:12-20260601 22:30' }], (v: Record<string, string>[]) => [{ ...v[0], fromTo: 'Dubai-HK' }], 'ticketInfos[0].fromTo'],
  ['STUDYABROAD', 'studyAbroadInfo', { name: '李四', schoolName: 'University of Melbourne', studentNumber: 'E1234567', studyAbroadTime: '一年以上' }, (v: Record<string, string>) => ({ ...v, studyAbroadTime: '两年' }), 'studyAbroadInfo.studyAbroadTime'],
  ['HOTELACCOMMODATION', 'hotelInfos', [{ hotelName: 'Hotel', hotelAddress: '1 Main St', registrantName: '王五', checkInDate: '2026-12-01', checkOutDate: '2026-12-03', roomType: 'Double' }], (v: Record<string, string>[]) => [{ ...v[0], checkOutDate: '2026-11-30' }], 'hotelInfos[0].checkOutDate'],
  ['SOFTWARE', 'softwareInfo', { softwareName: 'CAD', softwarePerson: 'u-1', softwareCount: '3', softwareDate: '2027-12-31', softwareWeb: 'https://cad.example', softwareCode: 'CAD-PRO', softwareIp: '203.0.113.5' }, (v: Record<string, string>) => ({ ...v, softwareDate: '2027/12/31' }), 'softwareInfo.softwareDate'],
  ['MEETING', 'meetingInfo', { meetingName: 'Summit', meetingCountry: 'SG', meetingArea: 'Marina', meetingPeople: '赵六', meetingCount: '2', meetingStartDate: '2026-12-01', meetingEndDate: '2026-12-02' }, (v: Record<string, string>) => ({ ...v, meetingCount: 'two' }), 'meetingInfo.meetingCount'],
  ['EXHIBITION', 'exhibitionInfo', { exhibitionName: 'Expo', exhibitionCountry: 'DE', exhibitionArea: 'Hannover', exhibitionPeople: '钱七', exhibitionCount: '4', exhibitionStartDate: '2026-04-20', exhibitionEndDate: '2026-04-24' }, (v: Record<string, string>) => ({ ...v, exhibitionEndDate: '2026-04-19' }), 'exhibitionInfo.exhibitionEndDate'],
  ['TRAVEL', 'travelInfos', [{ subItem: 'GROEPTRAVEL', country: 'TH', productName: '泰国7日跟团游', startDateTime: '2026-12-20', peopleNum: '2' }], (v: Record<string, string>[]) => [{ ...v[0], subItem: 'CRUISE' }], 'travelInfos[0].subItem'],
  ['LOGISTICS', 'logisticsInfos', [{ country: 'US', goodsType: '衣服', mailType: '空运', logisticsNumber: 'SF123' }], (v: Record<string, string>[]) => [{ country: v[0]!.country, goodsType: v[0]!.goodsType }], 'logisticsInfos[0].mailType'],
];

describe('foreignExchange/order request fields (seed 002)', () => {
  it('accepts a goods-trade order and keeps every field it needs', () => {
    const parsed = parseFxOrderRequest({ ...base, amount: '9000', listPriceToken: 'a'.repeat(32), remark: '货款', clientIp: '203.0.113.9', timeout: '1440', fileName: 'contract-2026.zip', merchantUserId: 'u42', cashierVersion: 'STANDARD', appId: 'wx1', openId: 'o1', bindCardId: 'b1' });
    expect(parsed).toMatchObject({ orderAmountMinor: 10000n, orderCurrency: 'USD', fxAmountMinor: 9000n, fxCurrency: 'USD', forUse: 'GOODSTRADE', listPriceToken: 'a'.repeat(32), timeoutMinutes: 1440, fileName: 'contract-2026.zip' });
    expect(parsed.declaration.productDetails[0]).toEqual({ name: '机床配件', quantity: '2', amount: '5000', tradeType: 'NON_CUSTOMS' });
    expect(parsed.declaration.extra).toEqual({ appId: 'wx1', openId: 'o1', bindCardId: 'b1', merchantUserId: 'u42', cashierVersion: 'STANDARD' });
    expect(parsed.declaration.purpose).toBeNull();
  });

  for (const [forUse, field, valid, breakIt, badField] of PURPOSES) {
    it(`${forUse}: ${field} is required, validated with the seed's lengths and formats, and refused for other purposes`, () => {
      expect(parseFxOrderRequest({ ...base, forUse, [field]: valid }).declaration.purpose).toEqual({ [field]: valid });
      expect(refused({ ...base, forUse })).toEqual({ code: 'FIELD_MISSING', field });
      expect(refused({ ...base, forUse, [field]: breakIt(valid as never) })).toMatchObject({ field: badField });
      // Declared as another purpose, the object contradicts the declaration.
      expect(refused({ ...base, forUse: forUse === 'TRAVEL' ? 'MEETING' : 'TRAVEL', [field]: valid })).toEqual({ code: 'FIELD_INVALID', field });
      expect(refused({ ...base, forUse: 'GOODSTRADE', [field]: valid })).toEqual({ code: 'FIELD_INVALID', field });
    });
  }

  it('goods declared to customs need their waybill', () => {
    const line = { name: 'x', quantity: '1', amount: '10000', tradeType: '纳入海关' };
    expect(refused({ ...base, productDetails: [line] })).toEqual({ code: 'FIELD_MISSING', field: 'productDetails[0].logisticsNumber' });
    expect(refused({ ...base, productDetails: [{ ...line, logisticsNumber: 'SF1' }] })).toEqual({ code: 'FIELD_MISSING', field: 'productDetails[0].logisticsCompany' });
    expect(parseFxOrderRequest({ ...base, productDetails: [{ ...line, logisticsNumber: 'SF1', logisticsCompany: '顺丰' }] }).declaration.productDetails[0]!.tradeType).toBe('CUSTOMS');
    expect(refused({ ...base, productDetails: [{ ...line, tradeType: 'maybe' }] })).toMatchObject({ code: 'FIELD_INVALID', field: 'productDetails[0].tradeType' });
    expect(refused({ ...base, productDetails: [{ ...line, tradeType: '未纳入海关', invoiceNumber: 'x'.repeat(36) }] })).toMatchObject({ field: 'productDetails[0].invoiceNumber' });
  });

  it('sub-orders: only in CNY, and they add up to orderAmount', () => {
    const cny = { ...base, orderCurrency: 'CNY', orderAmount: '30000' };
    const subOrders = [
      { requestId: 's1', orderAmount: '10000' },
      { requestId: 's2', orderAmount: '20000' },
    ];
    expect(parseFxOrderRequest({ ...cny, subOrders }).declaration.subOrders).toEqual([
      { requestId: 's1', orderAmountMinor: 10000n },
      { requestId: 's2', orderAmountMinor: 20000n },
    ]);
    expect(refused({ ...base, subOrders })).toEqual({ code: 'SUB_ORDERS_NOT_ALLOWED' });
    expect(refused({ ...cny, subOrders: [subOrders[0]] })).toEqual({ code: 'SUB_ORDERS_TOTAL_MISMATCH' });
    expect(refused({ ...cny, subOrders: [subOrders[0], { ...subOrders[1], requestId: 's1' }] })).toMatchObject({ code: 'FIELD_INVALID', field: 'subOrders[1].requestId' });
    expect(refused({ ...cny, subOrders: [{ requestId: 's1', orderAmount: '-1' }] })).toMatchObject({ code: 'AMOUNT_INVALID' });
  });

  it('refuses bad input with documented codes', () => {
    const cases: [Record<string, unknown>, { code: string; field?: string }][] = [
      [{ orderAmount: undefined }, { code: 'FIELD_MISSING', field: 'orderAmount' }],
      [{ orderAmount: '1.00' }, { code: 'AMOUNT_INVALID', field: 'orderAmount' }],
      [{ orderCurrency: 'RUB' }, { code: 'CURRENCY_UNSUPPORTED' }],
      [{ currency: undefined }, { code: 'FIELD_MISSING', field: 'currency' }],
      [{ forUse: 'GAMBLING' }, { code: 'FIELD_INVALID', field: 'forUse' }],
      [{ amount: '0' }, { code: 'AMOUNT_INVALID', field: 'amount' }],
      [{ requestId: 'r'.repeat(51) }, { code: 'FIELD_INVALID', field: 'requestId' }],
      [{ notifyUrl: undefined }, { code: 'FIELD_MISSING', field: 'notifyUrl' }],
      [{ remark: 'x'.repeat(301) }, { code: 'FIELD_INVALID', field: 'remark' }],
      [{ listPriceToken: 'x'.repeat(33) }, { code: 'FIELD_INVALID', field: 'listPriceToken' }],
      [{ paymentModeCode: 'SCANCODE-NOPE-P2P' }, { code: 'PAYMENT_MODE_UNKNOWN' }],
      [{ paymentModeCode: 'WECHAT-OFFICIAL_PAY-P2P' }, { code: 'FIELD_MISSING', field: 'openId' }],
      [{ paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', merchantUserId: 'u12' }, { code: 'FIELD_MISSING', field: 'bindCardId' }],
      [{ cashierVersion: 'LITE' }, { code: 'FIELD_INVALID', field: 'cashierVersion' }],
      [{ merchantUserId: 'a' }, { code: 'FIELD_INVALID', field: 'merchantUserId' }],
      [{ timeout: '1441' }, { code: 'FIELD_INVALID', field: 'timeout' }],
      [{ fileName: '合同.zip' }, { code: 'FIELD_INVALID', field: 'fileName' }],
      [{ fileName: '../etc/passwd.txt' }, { code: 'FIELD_INVALID', field: 'fileName' }],
      [{ productDetails: [] }, { code: 'FIELD_INVALID', field: 'productDetails' }],
      [{ productDetails: undefined }, { code: 'FIELD_MISSING', field: 'productDetails' }],
      [{ payer: undefined }, { code: 'FIELD_MISSING', field: 'payer' }],
      [{ payer: { ...base.payer, idType: 'PASSPORT' } }, { code: 'FIELD_INVALID', field: 'payer.idType' }],
      [{ payer: { ...base.payer, idNum: '1234' } }, { code: 'FIELD_INVALID', field: 'payer.idNum' }],
      [{ payer: { ...base.payer, bankCardNum: '62220202001122334455667' } }, { code: 'FIELD_INVALID', field: 'payer.bankCardNum' }],
      [{ payer: { ...base.payer, phoneNum: undefined } }, { code: 'FIELD_MISSING', field: 'payer.phoneNum' }],
      [{ payer: { ...base.payer, email: 'not-mail' } }, { code: 'FIELD_INVALID', field: 'payer.email' }],
      [{ payer: { ...base.payer, nationality: 'cn' } }, { code: 'FIELD_INVALID', field: 'payer.nationality' }],
    ];
    for (const [change, expected] of cases) expect(refused({ ...base, ...change }), JSON.stringify(change)).toEqual(expected);
  });
});
