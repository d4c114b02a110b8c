import { use, init, type ComposeOption, type ECharts } from 'echarts/core'
import {
  BarChart,
  LineChart,
  PieChart,
  type BarSeriesOption,
  type LineSeriesOption,
  type PieSeriesOption,
} from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { FONT_FAMILY, PALETTE } from '../palette.ts'

// Only the ECharts parts the wall draws with: line, bar and pie, on canvas.
use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { init }

/** The least text size on the wall's 1920×1080 canvas, in its px. */
export const MIN_TEXT_PX = 18
export type { ECharts }
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>

/**
 * What every chart shares: the wall's font, text colours and a dark tooltip. Sizes are design px, and
 * no text is under MIN_TEXT_PX (read from across the hall: docs/wall.md, "Readable text").
 */
export const CHART_BASE: ChartOption = {
  backgroundColor: 'transparent',
  textStyle: { fontFamily: FONT_FAMILY, color: PALETTE.muted, fontSize: MIN_TEXT_PX },
  animationDuration: 600,
  animationDurationUpdate: 400,
  tooltip: {
    backgroundColor: 'rgba(6, 18, 36, 0.94)',
    borderColor: PALETTE.line,
    textStyle: { color: PALETTE.text, fontFamily: FONT_FAMILY, fontSize: MIN_TEXT_PX },
  },
}

/** The legend style of the charts that show one. */
export const LEGEND_STYLE = {
  textStyle: { color: PALETTE.muted, fontSize: MIN_TEXT_PX },
  itemWidth: 14,
  itemHeight: 10,
  icon: 'roundRect',
} as const

export const AXIS_STYLE = {
  axisLine: { lineStyle: { color: PALETTE.line } },
  axisTick: { show: false },
  axisLabel: { color: PALETTE.muted, fontSize: MIN_TEXT_PX },
  splitLine: { lineStyle: { color: PALETTE.grid } },
} as const
