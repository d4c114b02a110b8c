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
    resources: {
      title: '应急资源',
      total: '共 {n} 项',
      size: '{n} 人/件',
      empty: '尚未登记应急资源',
      town: '镇街',
    },
    drills: {
      title: '应急演练 · 第{q}季度',
      done: '已完成 {done} / 计划 {planned} 场',
      participants: '参演 {n} 人',
      behind: '未完成计划',
      allDone: '各镇街均已完成本季度计划',
    },
    duty: {
      title: '今日值班',
      leader: '值班领导',
      officer: '值班员',
      ext: '分机 {ext}',
      handover: '{handover} 交接班',
      day: '{day} 班次',
      none: '值班表未安排本班次',
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
    resources: {
      title: 'Emergency resources',
      total: '{n} in all',
      size: '{n} people/items',
      empty: 'No resources registered',
      town: 'Town',
    },
    drills: {
      title: 'Drills · Q{q}',
      done: '{done} of {planned} planned',
      participants: '{n} took part',
      behind: 'Behind plan',
      allDone: 'Every town has met its plan this quarter',
    },
    duty: {
      title: 'On duty today',
      leader: 'Duty leader',
      officer: 'Duty officer',
      ext: 'ext. {ext}',
      handover: 'handover {handover}',
      day: 'shift of {day}',
      none: 'Nobody is on the roster for this shift',
    },
  },
}
