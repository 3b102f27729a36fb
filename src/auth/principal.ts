/** Who is calling: an operator, or a customer who may only see its own resources. */
export type Principal = { readonly role: 'operator' } | { readonly role: 'customer'; readonly customerId: string };

export function isOperator(principal: Principal): principal is { role: 'operator' } {
  return principal.role === 'operator';
}
