// Parameter controls shared by the inspector and perform mode: a knob (pointer drag, wheel, keyboard) with a plain
// number field beside it, honouring min/max/step/unit and log scale; a select for choices; a switch for toggles.

import { memo, useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { ParamSpec, ParamValue } from './types.ts';

type NumberSpec = Extract<ParamSpec, { kind: 'number' }>;

/** 0–1 position of `value` on the control, logarithmic when the parameter is (and its range is positive). */
export function toPosition(spec: NumberSpec, value: number): number {
  const v = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.scale === 'log' && spec.min > 0) {
    return Math.log(v / spec.min) / Math.log(spec.max / spec.min);
  }
  return spec.max === spec.min ? 0 : (v - spec.min) / (spec.max - spec.min);
}

export function fromPosition(spec: NumberSpec, position: number): number {
  const p = Math.min(1, Math.max(0, position));
  const raw = spec.scale === 'log' && spec.min > 0 ? spec.min * Math.pow(spec.max / spec.min, p) : spec.min + p * (spec.max - spec.min);
  return quantise(spec, raw);
}

/** Clamped to the range and rounded to the step (or to a sensible precision without one). */
export function quantise(spec: NumberSpec, value: number): number {
  let v = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.step && spec.step > 0) {
    v = spec.min + Math.round((v - spec.min) / spec.step) * spec.step;
    v = Math.min(spec.max, v);
    const decimals = (String(spec.step).split('.')[1] ?? '').length;
    return Number(v.toFixed(decimals));
  }
  const magnitude = Math.abs(v);
  const decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4;
  return Number(v.toFixed(decimals));
}

export function formatValue(spec: NumberSpec, value: number): string {
  const text = Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
  return spec.unit ? `${text} ${spec.unit}` : text;
}

interface KnobProps {
  spec: NumberSpec;
  value: number;
  onChange: (value: number) => void;
  onEnd?: (() => void) | undefined;
  size?: number;
  label?: string;
}

/** A rotary knob: drag up/down (shift for fine), wheel, arrow keys; double-click resets to the default. */
export const Knob = memo(function Knob({ spec, value, onChange, onEnd, size = 44, label }: KnobProps) {
  const drag = useRef<{ y: number; position: number } | null>(null);
  const position = toPosition(spec, value);
  const angle = -135 + position * 270;

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { y: e.clientY, position };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    const range = e.shiftKey ? 800 : 200;
    onChange(fromPosition(spec, drag.current.position + (drag.current.y - e.clientY) / range));
  };
  const onPointerUp = () => {
    if (drag.current) {
      drag.current = null;
      onEnd?.();
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const delta = e.key === 'ArrowUp' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowDown' || e.key === 'ArrowLeft' ? -1 : 0;
    if (delta !== 0) {
      e.preventDefault();
      const stepPosition = spec.step ? toPosition(spec, value + delta * spec.step) - position : delta * (e.shiftKey ? 0.002 : 0.02);
      onChange(fromPosition(spec, position + (spec.step ? stepPosition : stepPosition)));
      onEnd?.();
    }
  };
  return (
    <div
      role="slider"
      tabIndex={0}
      aria-label={label ?? spec.name}
      aria-valuemin={spec.min}
      aria-valuemax={spec.max}
      aria-valuenow={value}
      aria-valuetext={formatValue(spec, value)}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
      onDoubleClick={() => {
        onChange(spec.default);
        onEnd?.();
      }}
      onWheel={(e) => {
        onChange(fromPosition(spec, position - Math.sign(e.deltaY) * 0.01));
      }}
      className="shrink-0 cursor-ns-resize touch-none rounded-full focus:outline-2 focus:outline-sky-500"
      style={{ width: size, height: size }}
      title={`${spec.name}: ${formatValue(spec, value)} (drag; shift for fine; double-click resets)`}
    >
      <svg viewBox="0 0 40 40" width={size} height={size} aria-hidden="true">
        <circle cx="20" cy="20" r="17" className="fill-zinc-100 stroke-zinc-400 dark:fill-zinc-800 dark:stroke-zinc-600" strokeWidth="2" />
        <path d={arc(position)} className="fill-none stroke-sky-500" strokeWidth="3" strokeLinecap="round" />
        <line x1="20" y1="20" x2="20" y2="6" transform={`rotate(${angle} 20 20)`} className="stroke-zinc-800 dark:stroke-zinc-100" strokeWidth="2.5" strokeLinecap="round" />
      </svg>
    </div>
  );
});

function arc(position: number): string {
  const start = (-135 * Math.PI) / 180;
  const end = ((-135 + position * 270) * Math.PI) / 180;
  const r = 17;
  const p = (a: number) => `${20 + r * Math.sin(a)} ${20 - r * Math.cos(a)}`;
  const large = position * 270 > 180 ? 1 : 0;
  return position <= 0 ? '' : `M ${p(start)} A ${r} ${r} 0 ${large} 1 ${p(end)}`;
}

/** The number field beside a knob: typed values are checked against the range when committed. */
export function NumberField({ spec, value, onChange, testId }: { spec: NumberSpec; value: number; onChange: (v: number) => void; testId?: string | undefined }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = useCallback(
    (text: string) => {
      setDraft(null);
      const v = Number(text);
      if (text.trim() !== '' && Number.isFinite(v)) {
        onChange(quantise(spec, v));
      }
    },
    [onChange, spec],
  );
  return (
    <span className="inline-flex items-center gap-1">
      <input
        type="number"
        data-testid={testId}
        min={spec.min}
        max={spec.max}
        step={spec.step ?? 'any'}
        value={draft ?? String(value)}
        onChange={(e) => {
          setDraft(e.target.value);
          // Typing a valid number applies it at once (the browser tests fill the field and expect the change).
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v) && v >= spec.min && v <= spec.max) {
            onChange(quantise(spec, v));
          }
        }}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
        }}
        aria-label={spec.name}
        className="w-24 rounded border border-zinc-300 bg-white px-1.5 py-0.5 text-sm tabular-nums dark:border-zinc-700 dark:bg-zinc-900"
      />
      {spec.unit && <span className="text-xs text-zinc-500">{spec.unit}</span>}
    </span>
  );
}

interface ParamControlProps {
  spec: ParamSpec;
  value: ParamValue;
  onChange: (value: ParamValue) => void;
  onEnd?: (() => void) | undefined;
  big?: boolean;
  testId?: string | undefined;
}

/** Knob/select/switch for number, choice and toggle parameters (text and media have editors of their own). */
export function SimpleParamControl({ spec, value, onChange, onEnd, big = false, testId }: ParamControlProps) {
  switch (spec.kind) {
    case 'number':
      return (
        <div className={`flex items-center gap-2 ${big ? 'flex-col' : ''}`}>
          <Knob spec={spec} value={Number(value)} onChange={onChange} onEnd={onEnd} size={big ? 120 : 44} />
          <NumberField spec={spec} value={Number(value)} onChange={(v) => (onChange(v), onEnd?.())} testId={testId} />
        </div>
      );
    case 'choice':
      return (
        <select
          data-testid={testId}
          value={String(value)}
          onChange={(e) => (onChange(e.target.value), onEnd?.())}
          aria-label={spec.name}
          className={`rounded border border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900 ${big ? 'px-3 py-3 text-lg' : 'px-1.5 py-1 text-sm'}`}
        >
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'toggle':
      return (
        <label className={`inline-flex cursor-pointer items-center gap-2 ${big ? 'text-lg' : 'text-sm'}`}>
          <input
            type="checkbox"
            role="switch"
            data-testid={testId}
            checked={Boolean(value)}
            onChange={(e) => (onChange(e.target.checked), onEnd?.())}
            className={big ? 'size-10' : 'size-4'}
          />
          {Boolean(value) ? 'On' : 'Off'}
        </label>
      );
    default:
      return null;
  }
}
