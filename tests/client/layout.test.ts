import { describe, expect, test } from 'vitest'
import { measureLayout, type WindowSize } from '../../client/wall/composables/useScale.ts'

// Which layout a window gets: the scaled canvas, or the panels stacked in two columns or one.

const window = (width: number, height: number, over: Partial<WindowSize> = {}): WindowSize => ({
  width,
  height,
  dpr: 1,
  fillsScreen: false,
  forceCanvas: false,
  ...over,
})

describe('the wall layout for a window', () => {
  test('a big screen, or a window the canvas keeps readable in (scale ≥ 0.8), gets the canvas', () => {
    expect(measureLayout(window(1920, 1080))).toEqual({
      mode: 'canvas',
      columns: 0,
      scale: 1,
      pixelRatio: 1,
      left: 0,
      top: 0,
    })
    expect(measureLayout(window(3840, 2160, { dpr: 1.5 }))).toMatchObject({
      mode: 'canvas',
      scale: 2,
      pixelRatio: 3,
    })
    // 1920×950 (a browser window on a 1080p screen): letterboxed at 0.88.
    expect(measureLayout(window(1920, 950))).toMatchObject({
      mode: 'canvas',
      left: (1920 - 1920 * (950 / 1080)) / 2,
    })
    expect(measureLayout(window(1536, 864))).toMatchObject({ mode: 'canvas', scale: 0.8 })
  })

  test('below scale 0.8 a window gets the panels in two columns from 900 px wide, one below', () => {
    expect(measureLayout(window(1535, 864))).toMatchObject({ mode: 'stack', columns: 2, scale: 1 })
    expect(measureLayout(window(1366, 650, { dpr: 2 }))).toEqual({
      mode: 'stack',
      columns: 2,
      scale: 1,
      pixelRatio: 2,
      left: 0,
      top: 0,
    })
    expect(measureLayout(window(900, 700))).toMatchObject({ mode: 'stack', columns: 2 })
    expect(measureLayout(window(899, 700))).toMatchObject({ mode: 'stack', columns: 1 })
    expect(measureLayout(window(390, 844))).toMatchObject({ mode: 'stack', columns: 1 })
  })

  test('a window that fills its screen keeps the canvas down to 0.55; ?layout=canvas at any size', () => {
    expect(measureLayout(window(1366, 768, { fillsScreen: true }))).toMatchObject({ mode: 'canvas' })
    expect(measureLayout(window(1056, 594, { fillsScreen: true }))).toMatchObject({
      mode: 'canvas',
      scale: 0.55,
    })
    expect(measureLayout(window(1055, 593, { fillsScreen: true }))).toMatchObject({
      mode: 'stack',
      columns: 2,
    })
    expect(measureLayout(window(800, 450, { forceCanvas: true }))).toMatchObject({ mode: 'canvas' })
    expect(measureLayout(window(800, 450))).toMatchObject({ mode: 'stack', columns: 1 })
  })
})
