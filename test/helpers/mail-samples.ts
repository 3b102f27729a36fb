import type { MailMessage, MailTemplateName } from '../../src/mail/mail-templates';

// One sample per template; the mapped type makes this fail to compile when a template is added without one.
export const SAMPLES: { [K in MailTemplateName]: Extract<MailMessage, { template: K }> } = {
  'invoice-issued': {
    template: 'invoice-issued',
    context: {
      customerName: 'Erika Mustermann',
      contractId: 'c-1001',
      invoiceNumber: '2027-000002',
      issuedOn: '2027-02-01',
      dueOn: '2027-02-15',
      grossCents: 8211,
      paymentMethod: 'transfer',
      mandateReference: null,
    },
  },
  'contract-suspended': {
    template: 'contract-suspended',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', suspendedSince: '2027-02-01', reason: 'prepaid-unpaid', endsOnUnpaid: '2027-05-01' },
  },
  'contract-restored': { template: 'contract-restored', context: { customerName: 'Erika Mustermann', contractId: 'c-1001', restoredOn: '2027-03-02' } },
  'contract-ended-unpaid': {
    template: 'contract-ended-unpaid',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', endedOn: '2027-05-01', suspendedSince: '2027-02-01' },
  },
  'contract-started': {
    template: 'contract-started',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'plus', startedOn: '2027-01-10', trialEndsOn: '2027-02-08' },
  },
  'cancellation-confirmed': {
    template: 'cancellation-confirmed',
    context: {
      customerName: 'Erika Mustermann',
      contractId: 'c-1001',
      receivedOn: '2027-03-31',
      endsOn: '2027-06-30',
      deleteData: false,
      droppedPlanChange: false,
    },
  },
  'cancellation-revoked': {
    template: 'cancellation-revoked',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'basis' },
  },
  'contract-ended': {
    template: 'contract-ended',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', endedOn: '2027-06-30', deleteData: false },
  },
  // From here on, plans are ids ('basis' | 'plus'); the view model shows the display name.
  'trial-reminder': {
    template: 'trial-reminder',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', trialEndsOn: '2027-02-08', paidFrom: '2027-02-09' },
  },
  'trial-converted': {
    template: 'trial-converted',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'plus', paidFrom: '2027-02-09' },
  },
  'plan-upgraded': {
    template: 'plan-upgraded',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', fromPlan: 'basis', toPlan: 'plus', effectiveOn: '2027-03-15', seats: 3 },
  },
  'plan-change-scheduled': {
    template: 'plan-change-scheduled',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', fromPlan: 'plus', toPlan: 'basis', effectiveOn: '2027-07-01' },
  },
  'plan-change-revoked': {
    template: 'plan-change-revoked',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'plus' },
  },
  'plan-downgraded': {
    template: 'plan-downgraded',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'basis', effectiveOn: '2027-07-01' },
  },
  'contract-paused': {
    template: 'contract-paused',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', pausedSince: '2027-04-01', pauseFeeCents: 500 },
  },
  'contract-resumed': {
    template: 'contract-resumed',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', resumedOn: '2027-05-01', plan: 'plus' },
  },
  'seats-changed': {
    template: 'seats-changed',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', seats: 5, effectiveOn: '2027-05-01' },
  },
  'data-deletion-notice': {
    template: 'data-deletion-notice',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', endedOn: '2027-06-30', deletionOn: '2027-10-28' },
  },
  // The dunning ladder of invoice 2027-000002 (82.11, due 15.02.2027), business customer: reminder D + 7,
  // 1st letter D + 14 (5.00 fee, 40.00 flat fee, 14 days at 10.27 % = 0.32), final letter D + 28, handover D + 42.
  'payment-reminder': {
    template: 'payment-reminder',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', invoiceNumber: '2027-000002', issuedOn: '2027-02-01', dueOn: '2027-02-15', openCents: 8211, payBy: '2027-02-28' },
  },
  'dunning-letter-1': {
    template: 'dunning-letter-1',
    context: {
      customerName: 'Erika Mustermann',
      contractId: 'c-1001',
      invoiceNumber: '2027-000002',
      dueOn: '2027-02-15',
      totalCents: 12743,
      feeCents: 500,
      interestCents: 32,
      flatFeeCents: 4000,
      payBy: '2027-03-11',
    },
  },
  'dunning-letter-final': {
    template: 'dunning-letter-final',
    context: {
      customerName: 'Erika Mustermann',
      contractId: 'c-1001',
      invoiceNumber: '2027-000002',
      dueOn: '2027-02-15',
      totalCents: 13275,
      feeCents: 500,
      interestCents: 32,
      flatFeeCents: 0,
      payBy: '2027-03-25',
      handoverOn: '2027-03-29',
      announceCreditReport: true,
    },
  },
  'collection-handover': {
    template: 'collection-handover',
    context: {
      customerName: 'Erika Mustermann',
      contractId: 'c-1001',
      invoiceNumbers: '2027-000002, 2027-000003',
      totalCents: 21486,
      handedOverOn: '2027-03-29',
      agencyName: 'Muster Inkasso GmbH',
    },
  },
};
