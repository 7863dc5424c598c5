// The analyzer's Lit plugin (what `cem analyze --litelement` adds), which it ships without types.
declare module '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js' {
  export function litPlugin(): import('@custom-elements-manifest/analyzer').Plugin[];
}
