/** `0755`: a file's mode bits as chmod takes them, for messages. */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
