/** A row of buttons of which one is chosen (aria-pressed), e.g. "Largest amount | Longest overdue". */
export function Segmented<const T extends string>(props: { label: string; options: readonly T[]; value: NoInfer<T>; onChange: (v: T) => void; text: (v: T) => string }) {
  return (
    <div role="group" aria-label={props.label} className="inline-flex rounded-md ring-1 ring-slate-300">
      {props.options.map((o) => (
        <button
          key={o}
          type="button"
          aria-pressed={props.value === o}
          onClick={() => props.onChange(o)}
          className={`px-3 py-1.5 text-sm first:rounded-s-md last:rounded-e-md ${props.value === o ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
        >
          {props.text(o)}
        </button>
      ))}
    </div>
  );
}
