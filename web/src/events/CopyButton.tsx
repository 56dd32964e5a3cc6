import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies text to the clipboard and says so; falls back to selecting it where the clipboard is closed. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <button
      type="button"
      className="btn-secondary py-1 text-xs"
      onClick={() => {
        navigator.clipboard
          ?.writeText(text)
          .then(() => setCopied(true))
          .catch(() => setCopied(false));
      }}
    >
      {copied === true ? t('events.copy.copied') : copied === false ? t('events.copy.failed') : label}
    </button>
  );
}
