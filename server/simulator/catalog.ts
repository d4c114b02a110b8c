// What inspectors write down: hazard titles by industry (general and major), accident kinds, and the
// notes that go with status changes. Major-hazard titles follow the national criteria for major
// accident hazards (化工和危险化学品、房屋市政工程、工贸、城镇燃气等重大事故隐患判定标准).

export interface TitleSet {
  general: readonly string[]
  major: readonly string[]
}

/** Keyed by industry id; a domain without industries (社会安全) is keyed `domain:<id>`. */
export const HAZARD_TITLES: Record<string, TitleSet> = {
  hazardous_chemicals: {
    general: [
      '危化品储罐区可燃气体报警器失效',
      '防爆区域内使用非防爆照明灯具',
      '储罐静电接地线断开',
      '安全阀校验超期',
      '压力表超过检定有效期',
      '紧急洗眼器损坏无法使用',
      '危化品仓库未按禁配要求分区存放',
      '装卸作业现场未设置警戒区域',
      '罐区防火堤内积水积油未清理',
      '储罐呼吸阀堵塞未及时清理',
      '岗位操作规程未更新',
      '特殊作业票证填写不规范',
      '动火作业现场未配备灭火器材',
      '有毒气体检测报警仪未定期标定',
      '岗位人员未按规定佩戴防护用品',
      '消防通道堆放杂物',
      '装置区管线介质流向标识不清',
      '应急物资柜器材缺失',
      '配电室挡鼠板缺失',
      '围堰排水阀处于常开状态',
    ],
    major: [
      '构成重大危险源的罐区未实现紧急切断功能',
      '重点监管危险化工工艺装置紧急停车系统未投用',
      '可燃有毒气体泄漏场所未按标准设置检测报警装置',
      '控制室面向装置一侧不满足防火防爆要求',
      '安全阀、爆破片等安全附件未正常投用',
      '动火、受限空间作业管理制度未有效执行',
      '超量储存危险化学品且禁配物质混放混存',
      '在役化工装置未经正规设计且未进行安全设计诊断',
      '特种作业人员未持证上岗',
    ],
  },
  industry_trade: {
    general: [
      '砂轮机防护罩缺失',
      '机械设备传动部位防护罩缺失',
      '有限空间未设置安全警示标识',
      '车间安全出口被堵塞',
      '新员工未经三级安全教育上岗',
      '叉车未定期检验',
      '木粉尘清理不及时，积尘超标',
      '行车吊钩防脱钩装置损坏',
      '冲床光电保护装置失效',
      '车间应急照明损坏',
      '配电柜前堆放杂物',
      '消防通道堆放杂物',
      '电气线路私拉乱接',
      '劳动防护用品发放台账不全',
    ],
    major: [
      '粉尘爆炸危险场所除尘系统未采取防爆措施',
      '有限空间作业未执行“先通风、再检测、后作业”',
      '涉氨制冷系统未设置紧急泄氨装置',
      '粉尘涉爆作业场所设置在非框架结构建筑内',
      '吊运熔融金属未使用冶金起重机',
    ],
  },
  construction: {
    general: [
      '脚手架连墙件缺失',
      '临边防护栏杆缺失',
      '配电箱未接地',
      '开关箱未设置漏电保护器',
      '施工人员未佩戴安全帽',
      '安全网破损未及时更换',
      '楼层预留洞口未设置防护盖板',
      '电焊机二次线破损',
      '施工现场材料堆放过高',
      '生活区宿舍私拉电线',
      '施工电梯楼层门未关闭',
      '塔吊作业无专职信号工指挥',
      '外脚手架剪刀撑设置不连续',
      '基坑周边未设置排水沟',
      '氧气瓶与乙炔瓶间距不足',
      '现场消防器材配备不足',
    ],
    major: [
      '深基坑施工未按规定进行第三方监测',
      '高大模板支撑体系未按专项方案搭设',
      '建筑起重机械安全装置失效',
      '施工升降机防坠安全器超过有效标定期',
      '附着式升降脚手架防坠落装置失效',
      '超过一定规模的危大工程专项方案未经专家论证',
      '起重机械未经验收即投入使用',
    ],
  },
  special_equipment: {
    general: [
      '电梯超过定期检验有效期',
      '压力容器未按期定期检验',
      '叉车未办理使用登记',
      '起重机钢丝绳断丝超标',
      '锅炉水位表显示不清',
      '气瓶未采取防倾倒措施',
      '特种设备安全技术档案不全',
    ],
    major: ['使用未经检验合格的起重机械', '锅炉安全阀失效仍在运行', '使用已达报废条件的压力容器'],
  },
  fireworks_explosives: {
    general: [
      '烟花爆竹仓库防雷装置未检测',
      '仓库温湿度记录不全',
      '库房内使用非防爆电器',
      '零售点与居住场所未有效分隔',
    ],
    major: ['烟花爆竹仓库超量储存', '超许可范围储存烟花爆竹'],
  },
  hazardous_waste: {
    general: [
      '危废仓库未设置防渗漏措施',
      '危险废物标识标签不规范',
      '危废暂存库未设置气体导出处理设施',
      '危废转移联单填写不全',
    ],
    major: ['危险废物超期超量贮存', '危废仓库与生产装置防火间距不足'],
  },
  shipyards_ports: {
    general: [
      '码头作业区安全警示标志缺失',
      '船舶修造动火作业无专人监护',
      '码头系缆桩锈蚀损坏',
      '船台脚手架防护不全',
      '装卸机械限位装置失灵',
      '码头救生圈配备不足',
    ],
    major: ['危险货物码头装卸管线未设置紧急切断装置', '船舱受限空间作业未检测即进入'],
  },
  road_traffic: {
    general: [
      '事故多发路段警示标志缺失',
      '农村道路平交路口视线遮挡',
      '道路护栏损毁未修复',
      '交通信号灯故障',
      '急弯路段未设置减速设施',
      '学校门口道路未施划人行横道',
      '临水临崖路段缺少防护设施',
    ],
    major: ['危桥未封闭仍通行车辆', '临水临崖高风险路段未设置防护设施'],
  },
  road_transport: {
    general: [
      '危险货物运输车辆动态监控终端离线',
      '驾驶员超时驾驶',
      '客运车辆安全锤缺失',
      '车辆未按期进行二级维护',
      '押运员未持证上岗',
      '罐车紧急切断阀未定期检验',
    ],
    major: ['危险货物运输车辆超载运输', '使用报废车辆从事客运经营'],
  },
  waterways: {
    general: ['渡口救生衣配备不足', '船舶消防器材过期', '船员适任证书过期', '渡船未标明载客定额'],
    major: ['渡船超载运行', '无证船舶从事营运'],
  },
  urban_gas: {
    general: [
      '餐饮场所燃气软管超长、老化',
      '液化气钢瓶超期未检',
      '燃气调压箱锈蚀',
      '液化气瓶与灶具安全距离不足',
      '燃气表具周边堆放杂物',
      '燃气管道穿越卧室',
    ],
    major: ['餐饮场所未安装可燃气体报警装置', '地下室违规使用瓶装液化石油气', '燃气管道被违章建筑占压'],
  },
  self_built_housing: {
    general: [
      '自建房外墙出现裂缝',
      '擅自改变房屋用途用于经营',
      '自建房楼梯间堆放杂物',
      '屋面违规加建彩钢板房',
    ],
    major: ['经营性自建房经鉴定为D级危房仍在使用', '经营性自建房擅自加层'],
  },
  lifelines: {
    general: ['窨井盖缺失破损', '供水管网阀门井积水锈蚀', '桥梁伸缩缝损坏', '路灯杆线缆外露', '排水管道淤堵'],
    major: ['桥梁主要承重构件出现严重病害'],
  },
  crowded_venues: {
    general: [
      '商场疏散指示标志损坏',
      '安全出口被上锁',
      '防火门闭门器损坏',
      '人流疏导标识不足',
      '自动扶梯急停按钮失效',
    ],
    major: ['人员密集场所安全出口封堵'],
  },
  fire_crowded_venues: {
    general: [
      '消防通道堆放杂物',
      '疏散通道被占用',
      '灭火器过期未更换',
      '消防控制室值班人员无证上岗',
      '防火卷帘下方堆放物品',
      '消火栓箱内器材缺失',
    ],
    major: ['自动喷水灭火系统处于关闭状态', '火灾自动报警系统故障停用'],
  },
  small_premises: {
    general: [
      '电气线路私拉乱接',
      '灭火器配备不足',
      '厨房油烟管道未定期清洗',
      '外窗设置影响逃生的防盗网',
      '疏散通道堆放杂物',
    ],
    major: ['住宿与生产经营储存场所违规设置在同一建筑内（“三合一”）'],
  },
  high_rise: {
    general: ['高层建筑楼道堆放杂物', '消防电梯迫降功能失效', '防烟楼梯间防火门常开', '室内消火栓无水'],
    major: ['高层建筑消防水泵不能正常启动', '消防供水中断未及时修复'],
  },
  e_bikes: {
    general: [
      '电动自行车违规进楼入户充电',
      '楼道内飞线充电',
      '集中充电设施未设置自动断电保护',
      '电动自行车停放点未配备灭火器材',
      '销售门店违规改装蓄电池',
    ],
    major: ['电动自行车集中停放充电点设在疏散通道内'],
  },
  'domain:social': {
    general: [
      '校园周边交通安全设施缺失',
      '养老机构应急预案未演练',
      '农贸市场临时摊位占用消防通道',
      '大型活动安保方案未备案',
      '寄递物流企业未落实收寄验视',
      '校园门口防冲撞设施缺失',
    ],
    major: ['大型群众性活动未落实安全保卫措施'],
  },
  floods_typhoons: {
    general: ['河道堤防局部渗漏', '排涝泵站设备未检修', '低洼易涝区域未设置警示标识', '防汛物资储备不足'],
    major: ['病险水闸未除险加固', '堤防存在管涌隐患'],
  },
  weather: {
    general: [
      '户外广告牌固定不牢',
      '农业大棚抗风加固不足',
      '临时建筑抗风措施不足',
      '在建工地塔吊未落实防风措施',
    ],
    major: ['大型户外广告设施结构锈蚀存在倒塌风险'],
  },
  earthquakes: {
    general: ['学校校舍未进行抗震鉴定', '应急避难场所标识不全'],
    major: [],
  },
}

/** The titles for a domain and industry (every region industry falls back to its domain, then to fire). */
export function titlesFor(domain: string, industry: string | undefined): TitleSet {
  return (
    HAZARD_TITLES[industry ?? ''] ?? HAZARD_TITLES[`domain:${domain}`] ?? HAZARD_TITLES.fire_crowded_venues
  )
}

/** An accident kind (事故类型, GB 6441) and the figures a general accident of that kind usually has. */
export interface AccidentKind {
  /** Title suffix, e.g. "高处坠落事故". */
  name: string
  deaths: readonly [number, number]
  seriousInjuries: readonly [number, number]
  /** Direct loss in yuan, [min, max). */
  lossYuan: readonly [number, number]
}

export const ACCIDENT_KINDS: Record<string, readonly AccidentKind[]> = {
  construction: [
    { name: '高处坠落事故', deaths: [1, 1], seriousInjuries: [0, 1], lossYuan: [900_000, 1_600_000] },
    { name: '物体打击事故', deaths: [0, 1], seriousInjuries: [1, 2], lossYuan: [300_000, 1_200_000] },
    { name: '坍塌事故', deaths: [1, 2], seriousInjuries: [0, 2], lossYuan: [1_200_000, 3_000_000] },
  ],
  industry_trade: [
    { name: '机械伤害事故', deaths: [0, 1], seriousInjuries: [1, 1], lossYuan: [200_000, 1_100_000] },
    { name: '起重伤害事故', deaths: [1, 1], seriousInjuries: [0, 1], lossYuan: [900_000, 1_500_000] },
    { name: '触电事故', deaths: [1, 1], seriousInjuries: [0, 0], lossYuan: [800_000, 1_300_000] },
  ],
  hazardous_chemicals: [
    { name: '火灾事故', deaths: [0, 0], seriousInjuries: [0, 2], lossYuan: [400_000, 3_000_000] },
    { name: '灼烫事故', deaths: [0, 1], seriousInjuries: [1, 2], lossYuan: [300_000, 1_500_000] },
  ],
  road_traffic: [
    { name: '道路交通事故', deaths: [1, 1], seriousInjuries: [0, 2], lossYuan: [100_000, 600_000] },
    { name: '道路交通事故', deaths: [1, 2], seriousInjuries: [1, 3], lossYuan: [200_000, 900_000] },
  ],
  small_premises: [
    { name: '火灾事故', deaths: [0, 1], seriousInjuries: [0, 1], lossYuan: [150_000, 800_000] },
  ],
  urban_gas: [
    { name: '燃气爆燃事故', deaths: [0, 1], seriousInjuries: [1, 3], lossYuan: [300_000, 1_500_000] },
  ],
}

/** What a traffic accident's title says happened. */
export const TRAFFIC_COLLISIONS = [
  '货车与电动自行车相撞',
  '小型客车与行人相撞',
  '两车追尾',
  '农用三轮车侧翻',
  '货车与小型客车相撞',
]

/** The one kind of significant (较大) accident the simulator may place in a year: three dead in a confined space. */
export const SIGNIFICANT_ACCIDENT: AccidentKind = {
  name: '有限空间中毒窒息事故',
  deaths: [3, 3],
  seriousInjuries: [1, 2],
  lossYuan: [4_500_000, 6_500_000],
}

/** Notes on status changes, as rectification ledgers word them. */
export const NOTES = {
  fixedOnTheSpot: '现场立即整改完毕',
  planMade: '已制定整改方案，落实整改资金和责任人',
  submitted: '整改完成，申请验收',
  accepted: '复查验收合格，予以销号',
  rejected: '复查验收不通过，责令继续整改',
} as const
