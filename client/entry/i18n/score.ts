// The entry page's words for principal-person scoring (ScoreForm.vue), merged into zh.ts and en.ts
// under `score` by index.ts. Reasons and their points come from the region file's point table.
export default {
  zh: {
    tab: '负责人记分',
    search: '被记分企业',
    reason: '记分事项',
    points: '记分分值',
    fixedPoints: '该事项记 {n} 分',
    range: '该事项记 {min}–{max} 分，请选定',
    principal: '主要负责人姓名',
    principalHint: '仅存档，不在大屏显示。',
    note: '说明',
    notePlaceholder: '如：执法文书编号、事故或隐患编号',
    yearTotal: '记分周期为自然年（{year} 年）；达到 {thresholds} 分将分别约谈、重新考核。',
  },
  en: {
    tab: 'Principal score',
    search: 'Enterprise scored',
    reason: 'Reason',
    points: 'Points',
    fixedPoints: 'This reason scores {n} points',
    range: 'This reason scores {min}–{max} points: pick one',
    principal: "Principal's name",
    principalHint: 'Kept on record; never shown on the wall.',
    note: 'Note',
    notePlaceholder: 'e.g. the enforcement document, accident or hazard number',
    yearTotal: 'Points count per calendar year ({year}); thresholds at {thresholds} points.',
  },
}
