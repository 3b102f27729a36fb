import type { MailMessage, MailTemplateName } from '../../src/mail/mail-templates';

// One sample per template; the mapped type makes this fail to compile when a template is added without one.
export const SAMPLES: { [K in MailTemplateName]: Extract<MailMessage, { template: K }> } = {
  'contract-started': {
    template: 'contract-started',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'Plus', startedOn: '2027-01-10', trialEndsOn: '2027-02-08' },
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
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', plan: 'Basis' },
  },
  'contract-ended': {
    template: 'contract-ended',
    context: { customerName: 'Erika Mustermann', contractId: 'c-1001', endedOn: '2027-06-30', deleteData: false },
  },
};
