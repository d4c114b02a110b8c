import type { Mandates } from './config.ts'

// The mandates a region file without its own `mandates` section gets. No TypeBox here: the wall
// bundles this file (only types come from config.ts).

/** DOMAIN.md's illustrative table and the usual thresholds, for a region file without its own. */
export const DEFAULT_MANDATES: Mandates = {
  scoring: {
    pointTable: [
      { code: 'no_investigation', name: '未组织隐患排查', nameEn: 'No hazard investigation', min: 2, max: 3 },
      {
        code: 'major_not_rectified',
        name: '重大隐患未按期整改',
        nameEn: 'Major hazard not rectified',
        min: 6,
        max: 6,
      },
      { code: 'order_not_done', name: '整改指令未落实', nameEn: 'Order not carried out', min: 6, max: 6 },
      { code: 'general_accident', name: '发生一般事故', nameEn: 'General accident', min: 6, max: 6 },
      {
        code: 'significant_accident',
        name: '发生较大事故',
        nameEn: 'Significant accident',
        min: 12,
        max: 12,
      },
    ],
    thresholds: [
      { points: 9, name: '约谈', nameEn: 'Admonition' },
      { points: 12, name: '重新考核', nameEn: 'Re-examination' },
    ],
  },
  readiness: { handover: '08:30', drillsPerQuarter: 1 },
  departments: [{ id: 'yjj', name: '应急管理局', nameEn: 'Emergency Management' }],
}

/** The region's mandates section, or the defaults. */
export const mandatesOf = (region: { mandates?: Mandates }): Mandates => region.mandates ?? DEFAULT_MANDATES
