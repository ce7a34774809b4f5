/** Modules the playground's build makes (scripts/build-site.ts): the worker's bundled code, and the textbook sources. */
declare module 'playground:worker-source' {
  const source: string;
  export default source;
}
declare module 'playground:textbook-sources' {
  const sources: Record<string, string>; // lib/textbook/{rnn,lstm,gru,bptt}.ts by base name
  export default sources;
}
