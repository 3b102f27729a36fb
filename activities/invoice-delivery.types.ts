/** Input of {@link InvoiceDeliveryActivities.deliverInvoice}. */
export interface DeliverInvoiceInput {
  /** `<workflowId>/bill/<day>/delivery`: one mail or letter per invoice, ever. */
  readonly idempotencyKey: string;
  readonly invoiceId: string;
}

/** Delivery of an issued invoice: documents rendered once, then mailed or posted. */
export interface InvoiceDeliveryActivities {
  /**
   * Renders the invoice's PDF (Factur-X) and XRechnung once (stored; a retry reuses them), then
   * sends it the way the customer chose: e-mail with both attached, or a letter through the print
   * partner. Recorded as a communication with the invoice id.
   */
  deliverInvoice(input: DeliverInvoiceInput): Promise<{ channel: 'email' | 'letter'; communicationId: string }>;
}
