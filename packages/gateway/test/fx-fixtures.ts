/** A study-abroad FX purchase order (the purpose that always needs review in the suites' rules), without its numbers. */
export const FX_STUDY = {
  orderCurrency: 'USD',
  currency: 'USD',
  forUse: 'STUDYABROAD',
  notifyUrl: 'http://127.0.0.1:9999/n',
  callbackUrl: 'http://127.0.0.1:9999/r',
  productDetails: [{ name: 'Tuition 2027', quantity: '1', amount: '10000', tradeType: '未纳入海关' }],
  payer: { name: '李四', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
  studyAbroadInfo: { name: '李四', schoolName: 'University of Melbourne', studentNumber: 'E1234567' },
};
