import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Copies by the old route: select the text in a hidden field and ask the browser to copy it. The
 * Clipboard API exists only in secure contexts, so Rapport opened over plain http on a LAN address
 * (HOST=0.0.0.0) has none, and a key or snippet must still copy there.
 */
function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.insetInlineStart = '-9999px';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Copies text to the clipboard and says so; says when it could not, so the text can be selected by hand. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <button
      type="button"
      className="btn-secondary py-1 text-xs"
      onClick={() => {
        if (!navigator.clipboard?.writeText) return setCopied(copyBySelection(text));
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(copyBySelection(text)),
        );
      }}
    >
      {copied === true ? t('events.copy.copied') : copied === false ? t('events.copy.failed') : label}
    </button>
  );
}
