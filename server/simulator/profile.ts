import type { RiskLevel } from '../../shared/enums.ts'

// What the simulated city looks like: which industries its enterprises are in, where they sit, how
// risky they are, and how inspections there go. Town weights name Taixing's codes; in another region
// towns not named here get the default weight, so the simulator still runs (only less textured).

/** Taixing's towns the weights below refer to. */
const T = {
  jichuan: '321283001',
  yanling: '321283002',
  yaowang: '321283003',
  huangqiao: '321283100',
  binjiang: '321283123',
  hongqiao: '321283124',
  edz: '321283EDZ',
} as const

export interface IndustryProfile {
  domain: string
  industry: string
  /** Share of the registered enterprises in this industry (relative weight). */
  enterpriseShare: number
  /** Chance of each risk level, highest first: [major 红, significant 橙, general 黄, low 蓝]. */
  risk: readonly [number, number, number, number]
  /** Relative weight by town code, and the weight of every town not named. */
  towns: { named: Record<string, number>; others: number }
  /** Name patterns: `{c}` the city's short name, `{n}` a trade name (字号). */
  names: readonly string[]
  /** Patterns used instead in one town (黄桥 makes violins: 中国提琴之乡). */
  townNames?: Record<string, readonly string[]>
  /** Hazards an inspection finds on average. */
  hazardsPerInspection: number
  /** Share of the hazards found here that are major (重大事故隐患). */
  majorShare: number
  /** Chance an enterprise here stops over Spring Festival (continuous processes and services do not). */
  springFestivalStop: number
}

const URBAN = { named: { [T.jichuan]: 3, [T.yanling]: 3, [T.yaowang]: 2, [T.huangqiao]: 2 }, others: 0.6 }

export const INDUSTRIES: readonly IndustryProfile[] = [
  {
    domain: 'production',
    industry: 'hazardous_chemicals',
    enterpriseShare: 22,
    risk: [12, 38, 38, 12],
    towns: { named: { [T.edz]: 14, [T.binjiang]: 5, [T.hongqiao]: 1 }, others: 0 },
    names: [
      '{c}{n}化工有限公司',
      '江苏{n}化学有限公司',
      '{c}市{n}精细化工有限公司',
      '{n}新材料科技（{c}）有限公司',
      '{c}{n}石化仓储有限公司',
      '江苏{n}医药化工有限公司',
    ],
    hazardsPerInspection: 2.3,
    majorShare: 0.018,
    springFestivalStop: 0.3,
  },
  {
    domain: 'production',
    industry: 'construction',
    enterpriseShare: 22,
    risk: [3, 20, 50, 27],
    towns: {
      named: { [T.jichuan]: 3, [T.yanling]: 3, [T.yaowang]: 2, [T.huangqiao]: 2, [T.edz]: 1.5 },
      others: 1,
    },
    names: [
      '{n}建设工程有限公司',
      '江苏{n}建设集团有限公司',
      '{c}市{n}建筑安装工程有限公司',
      '{c}市{n}市政工程有限公司',
    ],
    hazardsPerInspection: 2.5,
    majorShare: 0.012,
    springFestivalStop: 0.9,
  },
  {
    domain: 'production',
    industry: 'industry_trade',
    enterpriseShare: 27,
    risk: [2, 13, 45, 40],
    towns: { named: { [T.huangqiao]: 4, [T.yaowang]: 2, [T.jichuan]: 1.5 }, others: 1 },
    names: [
      '{c}市{n}机械制造有限公司',
      '{c}市{n}纺织有限公司',
      '{c}市{n}金属制品有限公司',
      '{c}{n}减速机有限公司',
      '{c}市{n}木业有限公司',
      '{c}市{n}食品有限公司',
      '{c}市{n}铸造有限公司',
      '{c}市{n}电器有限公司',
    ],
    townNames: {
      [T.huangqiao]: ['{c}市{n}乐器有限公司', '{c}市{n}提琴制造有限公司', '{c}市{n}木业有限公司'],
    },
    hazardsPerInspection: 1.9,
    majorShare: 0.006,
    springFestivalStop: 0.75,
  },
  {
    domain: 'production',
    industry: 'special_equipment',
    enterpriseShare: 3,
    risk: [0, 15, 50, 35],
    towns: { named: {}, others: 1 },
    names: ['{c}市{n}起重设备安装有限公司', '{c}市{n}电梯工程有限公司', '{c}{n}气体有限公司'],
    hazardsPerInspection: 1.5,
    majorShare: 0.01,
    springFestivalStop: 0.6,
  },
  {
    domain: 'production',
    industry: 'fireworks_explosives',
    enterpriseShare: 1,
    risk: [0, 60, 40, 0],
    towns: { named: { [T.yaowang]: 1, [T.huangqiao]: 1 }, others: 0.2 },
    names: ['{c}市{n}烟花爆竹批发有限公司'],
    hazardsPerInspection: 1.2,
    majorShare: 0.02,
    springFestivalStop: 0,
  },
  {
    domain: 'production',
    industry: 'hazardous_waste',
    enterpriseShare: 2.5,
    risk: [8, 42, 40, 10],
    towns: { named: { [T.edz]: 6, [T.binjiang]: 2 }, others: 0 },
    names: ['{c}{n}环保科技有限公司', '{c}市{n}固废处置有限公司'],
    hazardsPerInspection: 1.6,
    majorShare: 0.012,
    springFestivalStop: 0.4,
  },
  {
    domain: 'production',
    industry: 'shipyards_ports',
    enterpriseShare: 4,
    risk: [5, 35, 45, 15],
    towns: { named: { [T.binjiang]: 4, [T.hongqiao]: 3, [T.edz]: 3 }, others: 0 },
    names: ['{c}市{n}船舶修造有限公司', '{c}{n}港务有限公司', '{c}市{n}码头有限公司'],
    hazardsPerInspection: 1.7,
    majorShare: 0.01,
    springFestivalStop: 0.5,
  },
  {
    domain: 'traffic',
    industry: 'road_transport',
    enterpriseShare: 5,
    risk: [5, 30, 45, 20],
    towns: { named: { [T.jichuan]: 2, [T.yaowang]: 2, [T.edz]: 2 }, others: 0.5 },
    names: ['{c}市{n}危险品运输有限公司', '{c}市{n}汽车客运有限公司', '{c}市{n}物流有限公司'],
    hazardsPerInspection: 1.3,
    majorShare: 0.008,
    springFestivalStop: 0,
  },
  {
    domain: 'traffic',
    industry: 'waterways',
    enterpriseShare: 1.5,
    risk: [0, 25, 50, 25],
    towns: { named: { [T.binjiang]: 2, [T.hongqiao]: 2, [T.edz]: 1 }, others: 0 },
    names: ['{c}市{n}航运有限公司'],
    hazardsPerInspection: 1.2,
    majorShare: 0.01,
    springFestivalStop: 0.3,
  },
  {
    domain: 'public',
    industry: 'urban_gas',
    enterpriseShare: 2.5,
    risk: [5, 35, 45, 15],
    towns: URBAN,
    names: ['{c}{n}燃气有限公司', '{c}市{n}液化气供应站'],
    hazardsPerInspection: 1.4,
    majorShare: 0.012,
    springFestivalStop: 0,
  },
  {
    domain: 'public',
    industry: 'crowded_venues',
    enterpriseShare: 3,
    risk: [2, 20, 50, 28],
    towns: URBAN,
    names: ['{c}{n}购物广场', '{c}市{n}农贸市场管理有限公司', '{c}{n}影城'],
    hazardsPerInspection: 1.3,
    majorShare: 0.006,
    springFestivalStop: 0,
  },
  {
    domain: 'fire',
    industry: 'fire_crowded_venues',
    enterpriseShare: 3,
    risk: [2, 20, 50, 28],
    towns: URBAN,
    names: ['{c}{n}大酒店', '{c}市{n}宾馆', '{c}{n}商贸城'],
    hazardsPerInspection: 1.5,
    majorShare: 0.008,
    springFestivalStop: 0,
  },
  {
    domain: 'fire',
    industry: 'high_rise',
    enterpriseShare: 2,
    risk: [0, 20, 50, 30],
    towns: URBAN,
    names: ['{c}{n}物业管理有限公司'],
    hazardsPerInspection: 1.3,
    majorShare: 0.01,
    springFestivalStop: 0,
  },
]

/**
 * Places inspected that are not registered enterprises: roads, self-built houses, small premises,
 * river dykes… Weight by domain/industry; `season` multiplies the weight in the months it names.
 */
export interface PlaceProfile {
  domain: string
  industry?: string
  weight: number
  season?: { months: readonly number[]; factor: number }
  hazardsPerInspection: number
  majorShare: number
}

const SUMMER = [6, 7, 8, 9]
const WINTER = [11, 12, 1, 2, 3]

export const PLACES: readonly PlaceProfile[] = [
  { domain: 'traffic', industry: 'road_traffic', weight: 20, hazardsPerInspection: 1.1, majorShare: 0.006 },
  {
    domain: 'public',
    industry: 'self_built_housing',
    weight: 10,
    hazardsPerInspection: 1,
    majorShare: 0.012,
  },
  { domain: 'public', industry: 'lifelines', weight: 6, hazardsPerInspection: 1, majorShare: 0.005 },
  { domain: 'public', industry: 'urban_gas', weight: 8, hazardsPerInspection: 1.3, majorShare: 0.012 },
  {
    domain: 'fire',
    industry: 'small_premises',
    weight: 18,
    season: { months: WINTER, factor: 1.5 },
    hazardsPerInspection: 1.4,
    majorShare: 0.008,
  },
  {
    domain: 'fire',
    industry: 'e_bikes',
    weight: 10,
    season: { months: WINTER, factor: 1.5 },
    hazardsPerInspection: 1.1,
    majorShare: 0.004,
  },
  { domain: 'social', weight: 8, hazardsPerInspection: 0.8, majorShare: 0.004 },
  {
    domain: 'natural',
    industry: 'floods_typhoons',
    weight: 3,
    season: { months: SUMMER, factor: 5 },
    hazardsPerInspection: 1,
    majorShare: 0.01,
  },
  {
    domain: 'natural',
    industry: 'weather',
    weight: 3,
    season: { months: SUMMER, factor: 2 },
    hazardsPerInspection: 0.9,
    majorShare: 0.006,
  },
  { domain: 'natural', industry: 'earthquakes', weight: 0.5, hazardsPerInspection: 0.6, majorShare: 0 },
]

/** Where places are inspected: the city districts and big towns more. */
export const PLACE_TOWNS = {
  named: { [T.jichuan]: 2.5, [T.yanling]: 2.5, [T.yaowang]: 2, [T.huangqiao]: 2, [T.edz]: 0.7 },
  others: 1,
}

/** Inspectors visit riskier enterprises more often (分级分类监管). */
export const INSPECTION_WEIGHT_BY_RISK: Record<RiskLevel, number> = {
  major: 4,
  significant: 2.5,
  general: 1.2,
  low: 0.7,
}

/** Two characters of a trade name (字号): a first and a second, never the same. */
export const TRADE_NAME_FIRST =
  '恒宏鑫瑞华鼎盛嘉润永联远祥宇源丰晟昌达金通正天新海长中佳利兴德邦博诚信安康益明星东江龙凯航弘锦裕辉'
export const TRADE_NAME_SECOND = '达盛泰源丰诚信和顺安兴华隆鑫发邦辉峰宇祥荣远宁昌润科越通力成'
