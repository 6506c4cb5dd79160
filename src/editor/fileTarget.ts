/**
 * What an editor knows about the file it opened, and the messages vim and nano print about
 * it: pure functions shared by the headless vi (src/shell/commands/editor.ts) and the
 * in-browser editor (Editor.tsx), so both say the same thing in the same words.
 *
 * A buffer is the file's text without its final newline (vim's 'fixeol': the newline is
 * added back on write, and a file that had none is flagged `[noeol]`). Counts are vim's:
 * lines and UTF-8 bytes of what is on disk.
 *
 * Deliberately left out: encodings other than UTF-8, 'fileformat' (CRLF), backup files and
 * swap files (vim's E325 ATTENTION), and the file changing on disk while it is edited (W11).
 */

/**
 * The file an editor opened (plain data: it crosses the worker boundary).
 * `kind`: an existing regular file, a new file in an existing directory, a new file whose
 * directory does not exist, a directory, a /proc or /sys file (content computed by the
 * kernel), or a device or other special file.
 */
export interface EditTarget {
  /** The name as typed (vim shows it so). */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly kind: 'file' | 'new' | 'noparent' | 'dir' | 'proc' | 'special';
  /** vim's [readonly]: no write permission bits at all (as /etc/shadow or /proc/cpuinfo), or view/-R. */
  readonly readonly: boolean;
  /** The errno a write will fail with (null = it will succeed). */
  readonly writeErrno: string | null;
  /** The write happens but fsync then fails (procfs): vim reports E667 and keeps the buffer modified. */
  readonly fsyncFails: boolean;
  /** The file does not end with a newline. */
  readonly noeol: boolean;
}

const encoder = new TextEncoder();
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return encoder.encode(s).length;
  return s.length;
}

/** The buffer for a file's text: without the final newline. */
export function bufferOf(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** What vim writes for a buffer: its lines, each ending in a newline (an empty buffer writes nothing). */
export function fileOf(buffer: string): string {
  return buffer === '' ? '' : buffer + '\n';
}

/** Lines of a file's text as vim counts them. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/** A target for tests and for a caller that knows nothing more: an existing, writable file. */
export function plainTarget(path: string, text = '', name = path): EditTarget {
  return { name, path, kind: 'file', readonly: false, writeErrno: null, fsyncFails: false, noeol: text !== '' && !text.endsWith('\n') };
}

// ---- vim --------------------------------------------------------------------------------------

/** The message vim shows after reading the file (`"eth0.nmconnection" 8L, 123B`). */
export function vimOpenMessage(t: EditTarget, text: string): string {
  const q = `"${t.name}"`;
  switch (t.kind) {
    case 'dir': return `${q} is a directory`;
    case 'new': return `${q} [New]`;
    case 'noparent': return `${q} [New DIRECTORY]`;
    default: {
      const flags = [t.readonly ? '[readonly]' : '', t.noeol ? '[noeol]' : ''].filter(Boolean).join('');
      return `${q} ${flags ? flags + ' ' : ''}${lineCount(text)}L, ${utf8Length(text)}B`;
    }
  }
}

export interface WriteOutcome {
  /** The file's new content when the write reached the disk (even if vim then reports an error). */
  readonly written: string | null;
  /** The buffer no longer differs from the file ('modified' reset). */
  readonly ok: boolean;
  readonly message: string;
  readonly error: boolean;
}

/**
 * `:w` (or `:w!` with `force`) of `buffer` to the target, as vim reports it. The caller
 * applies `written` to the file. `wasNew`: the file did not exist before this write
 * (`[New]` in the message).
 */
export function vimWrite(t: EditTarget, buffer: string, force: boolean, wasNew = t.kind === 'new'): WriteOutcome {
  const q = `"${t.name}"`;
  if (t.name === '') return { written: null, ok: false, error: true, message: 'E32: No file name' };
  if (t.kind === 'dir') return { written: null, ok: false, error: true, message: `E502: ${q} is a directory` };
  if (t.readonly && !force) return { written: null, ok: false, error: true, message: "E45: 'readonly' option is set (add ! to override)" };
  if (t.writeErrno) {
    if (t.writeErrno === 'ENOSPC') return { written: null, ok: false, error: true, message: `${q} E514: Write error (file system full?)` };
    return { written: null, ok: false, error: true, message: `${q} E212: Can't open file for writing` };
  }
  const text = fileOf(buffer);
  const counts = `${lineCount(text)}L, ${utf8Length(text)}B`;
  if (t.fsyncFails) return { written: text, ok: false, error: true, message: `${q} E667: Fsync failed` };
  return { written: text, ok: true, error: false, message: `${q} ${wasNew ? '[New] ' : ''}${counts} written` };
}

export const E37 = 'E37: No write since last change (add ! to override)';

// ---- nano -------------------------------------------------------------------------------------

/** nano's status line after opening a file (`[ Read 8 lines ]`). */
export function nanoOpenMessage(t: EditTarget, text: string): string {
  switch (t.kind) {
    case 'dir': return `"${t.path}" is a directory`;
    case 'new': return '[ New File ]';
    case 'noparent': return `Directory '${t.path.slice(0, t.path.lastIndexOf('/')) || '/'}' does not exist`;
    default: {
      const n = lineCount(text);
      const ro = t.readonly ? ' (Read-only)' : '';
      return `[ Read ${n} line${n === 1 ? '' : 's'}${ro} ]`;
    }
  }
}

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory', ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device', EROFS: 'Read-only file system', EINVAL: 'Invalid argument', EPERM: 'Operation not permitted',
};

/**
 * ^O in nano: the status line and what reaches the disk. nano's buffer keeps the file's
 * final newline (an empty last "magic line"); a buffer whose last line has text gets one.
 */
export function nanoWrite(t: EditTarget, buffer: string): WriteOutcome {
  if (t.kind === 'dir') return { written: null, ok: false, error: true, message: `"${t.path}" is a directory` };
  if (t.writeErrno) {
    return { written: null, ok: false, error: true, message: `[ Error writing ${t.path}: ${STRERROR[t.writeErrno] ?? t.writeErrno} ]` };
  }
  const text = buffer === '' || buffer.endsWith('\n') ? buffer : buffer + '\n';
  const n = lineCount(text);
  return { written: text, ok: true, error: false, message: `[ Wrote ${n} line${n === 1 ? '' : 's'} ]` };
}
