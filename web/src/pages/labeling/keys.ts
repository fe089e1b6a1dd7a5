/** Keyboard rules of the labeling view: shortcuts never take a key that someone is typing into a field. */

/** A field that takes text: its keys belong to it (digits in a note, `s` in a value). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type);
  return false;
}

/**
 * Enter on a focused button that is not a choice (Skip, Flag, a link) keeps the browser's meaning —
 * pressing that button; on a choice, or anywhere else, it submits the label.
 */
export function enterActivates(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const control = target.closest('button, a, summary');
  return control !== null && !control.hasAttribute('data-choice');
}

export const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['1 – 9', 'choose a class (the predicted one is marked)'],
  ['0 – max', 'grade the current ranked item, or score the current criterion; then moves to the next'],
  ['↑ ↓ or k j', 'previous / next ranked item or criterion'],
  ['Enter', 'submit the label (in the value field too)'],
  ['S', 'skip this item (someone else gets it)'],
  ['F', 'flag this item: type why, Enter confirms, Esc cancels'],
  ['Esc', 'leave a field; close this help'],
  ['?', 'show or hide these shortcuts'],
];
