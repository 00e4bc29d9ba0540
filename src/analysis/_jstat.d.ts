// jstat ships no types; `_student-t.ts` narrows the one part it uses.
declare module 'jstat' {
  const jstat: unknown;
  export default jstat;
}
