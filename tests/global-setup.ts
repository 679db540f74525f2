// Placeholder: replaced by the stack start-up (issue 2).
export default async function setup() {}
