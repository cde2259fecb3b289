// mvdan-sh ships no types: it is mvdan/sh (the Go shell parser behind shfmt) compiled to
// JavaScript. Its nodes are Go structs; we describe them loosely and narrow by NodeType().
declare module 'mvdan-sh' {
  const sh: { syntax: any };
  export default sh;
}
