// The wall's words for the campaign slot (节前安全大排查, 停工复工), merged into zh.ts and en.ts under
// `campaigns` by index.ts. The campaigns' own names and dates come from the region file (GET
// /api/regions `campaigns`), not from here.
export default {
  zh: {
    town: '镇街',
    all: '全市',
    running: '进行中',
    over: '已结束',
    page: '{page}/{pages}',
    sweep: { title: '节前安全大排查', found: '发现', closed: '销号', rate: '销号率' },
    season: {
      title: '停工复工',
      stopped: '停工',
      resumed: '复工',
      rate: '复工率',
      withoutCheck: '未检先复',
    },
  },
  en: {
    town: 'Town',
    all: 'City',
    running: 'Under way',
    over: 'Over',
    page: '{page}/{pages}',
    // 'Pre-holiday sweep' would be cut beside its days and state at 18 px (the days say it is before the holiday).
    sweep: { title: 'Holiday sweep', found: 'Found', closed: 'Closed', rate: 'Rate' },
    season: {
      // 'Stop and resume' would be cut beside its days and state at 18 px.
      title: 'Stop/resume',
      stopped: 'Stopped',
      resumed: 'Resumed',
      rate: 'Rate',
      withoutCheck: 'No check',
    },
  },
}
