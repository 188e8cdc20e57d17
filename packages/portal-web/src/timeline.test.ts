import { describe, expect, it } from 'vitest';
import { translate } from './i18n/i18n.js';
import type { MessageKey } from './i18n/en.js';
import { stateName, timelineReason } from './timeline.js';

const zh = (key: MessageKey, params?: Record<string, string | number>) => translate('zh', key, params);
const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);

describe('order timeline in the viewer language', () => {
  it('names states in Chinese and keeps an unknown state as its code', () => {
    expect(stateName('SUCCESS', zh)).toBe('已支付');
    expect(stateName('CHALLENGE', en)).toBe('3-D Secure');
    expect(stateName('SOMETHING_NEW', zh)).toBe('SOMETHING_NEW');
  });

  it('translates the reasons the gateway writes', () => {
    expect(timelineReason('created', 'USD', zh)).toEqual({ text: '订单创建', untranslated: false });
    expect(timelineReason('card submitted', 'USD', zh).text).toBe('已提交银行卡');
    expect(timelineReason('approved A1B2C3', 'USD', zh).text).toBe('已批准，授权码 A1B2C3');
    expect(timelineReason('declined DO_NOT_HONOR', 'USD', zh).text).toBe('被拒绝（DO_NOT_HONOR）');
    expect(timelineReason('authorised X9, held for review: captured', 'USD', zh).text).toBe('已授权 X9，等待审核：已请款');
    expect(timelineReason('refund r-1 succeeded', 'USD', zh).text).toBe('退款 r-1 成功');
    expect(timelineReason('started ALIPAY_SCAN at sandbox-alipay', 'CNY', zh).text).toBe('已发起支付：ALIPAY_SCAN，渠道 sandbox-alipay');
    expect(timelineReason('PROCESSING → SUCCESS', 'USD', zh).text).toBe('处理中 → 已支付');
  });

  it('shows a refund amount from the log as a decimal of the order currency', () => {
    expect(timelineReason('refund r-2 of 500 requested', 'USD', en).text).toBe('refund r-2 of 5.00 USD requested');
    expect(timelineReason('refund r-2 of 500 requested', 'JPY', zh).text).toBe('已申请退款 r-2，金额 500 JPY');
  });

  it('marks what it cannot translate, so the page can tag it as English', () => {
    expect(timelineReason('a reason from a newer gateway', 'USD', zh)).toEqual({ text: 'a reason from a newer gateway', untranslated: true });
    expect(timelineReason('something odd: captured', 'USD', zh)).toEqual({ text: 'something odd：已请款', untranslated: true });
  });
});
