// The wall's words for the conference's other mandates (the 应急准备与责任落实 page), merged into
// zh.ts and en.ts under `mandates` by index.ts. Names of reasons, thresholds and departments come
// from the region file (GET /api/regions `mandates`), not from here.
export default {
  zh: {
    page: '应急准备与责任落实',
    scoring: {
      title: '主要负责人安全生产记分 · 本年',
      total: '本年记分 {n} 分',
      bands: '企业按分值',
      band: '{from}–{to}分',
      bandTop: '≥{from}分',
      byReason: '按记分事项',
      empty: '本年尚无记分',
      points: '{n}分',
    },
    flagged: {
      title: '达到处置线的企业',
      count: '{n} 家',
      empty: '暂无企业达到处置线',
      page: '第 {page}/{pages} 页',
    },
  },
  en: {
    page: 'Emergency readiness & accountability',
    scoring: {
      title: 'Principal-person scoring · this year',
      total: '{n} points this year',
      bands: 'Enterprises by points',
      band: '{from}–{to} pts',
      bandTop: '≥{from} pts',
      byReason: 'By reason',
      empty: 'No scores this year',
      points: '{n} pts',
    },
    flagged: {
      title: 'Enterprises at a threshold',
      count: '{n}',
      empty: 'No enterprise at a threshold',
      page: 'page {page}/{pages}',
    },
  },
}
