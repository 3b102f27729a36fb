import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Clock } from '../app/clock';
import { APP_CONFIG, CLOCK, PRISMA, PSP } from '../app/tokens';
import type { Principal } from '../auth/principal';
import { Camt053Error, parseCamt053 } from '../bank-statements/camt053';
import { parseCamt053Archive } from '../bank-statements/camt053-archive';
import type { Camt053Statement } from '../bank-statements/camt053';
import type { AppConfig } from '../config/config';
import { findVisibleContract } from '../contracts/contract-access';
import type { PrismaClient } from '../database/prisma-client';
import { localDateOf } from '../domain/calendar';
import type { ReceivablesSnapshot } from '../domain/ledger';
import { ProblemError } from '../http/problem';
import { isUuid } from '../http/uuid';
import { Metrics, METRICS } from '../observability/metrics';
import { LedgerContractMissingError, readReceivables } from '../ledger/ledger-store';
import { PspError } from '../psp/psp';
import { buildPain008, SepaInputError } from '../sepa/pain008';
import { LedgerSignals } from './ledger-signals';
import { invoiceNumbers, renderStatement } from './statement-document';
import type { BookedPayment, TransferInput } from './payment-bookings';
import { bookSepaReturn, bookTransfer, bookTransferInBatch } from './payment-bookings';
import type { BankTransferBody, ListCollectionsQuery, ListUnmatchedQuery, PrepaymentBody, SepaReturnBody } from './payments.schema';
import type { PspRef } from './psp-ref';

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

/** Problem codes of the payments API. */
export const PaymentProblemCode = {
  UNMATCHED_TRANSFER: 'UNMATCHED_TRANSFER',
  MALFORMED_STATEMENT: 'MALFORMED_STATEMENT',
  UNSUPPORTED_STATEMENT_VERSION: 'UNSUPPORTED_STATEMENT_VERSION',
  UNKNOWN_END_TO_END_ID: 'UNKNOWN_END_TO_END_ID',
  NOT_PREPAID: 'NOT_PREPAID',
  NO_CARD_ON_FILE: 'NO_CARD_ON_FILE',
  CARD_REJECTED: 'CARD_REJECTED',
  PSP_UNAVAILABLE: 'PSP_UNAVAILABLE',
  PERSONAL_DATA_DELETED: 'PERSONAL_DATA_DELETED',
} as const;

/** Payments (transfers, bank statements, SEPA returns and collections, prepayments) and the account statement. */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PSP) private readonly psp: PspRef,
    private readonly signals: LedgerSignals,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {}

  /** `POST /v1/bank-transfers`: booked on the invoice its reference names, or 422 (kept as unmatched). */
  async bookTransfer(body: BankTransferBody, idempotencyKey: string | undefined) {
    const input: TransferInput = {
      reference: body.reference,
      amountCents: body.amount.amount,
      bookedOn: body.bookedOn,
      payerName: body.payerName ?? null,
      source: 'bank-transfer',
      sourceKey: `transfer/${idempotencyKey ?? randomUUID()}`,
    };
    const result = await bookTransfer(this.prisma, input, this.config.issuer.country);
    if (!result.matched) {
      throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, PaymentProblemCode.UNMATCHED_TRANSFER, 'Transfer not matched', `${result.reason} The transfer is kept for operators (GET /v1/bank-transfers/unmatched).`, {
        unmatchedId: result.unmatchedId,
      });
    }
    await this.announce(result.payment.workflowId, result.payment.snapshot, result.payment.booked);
    if (result.payment.booked) this.metrics?.paymentsBooked.inc({ source: 'bank-transfer' });
    this.logger.log(`transfer ${input.sourceKey} of ${body.amount.amount} cents booked on contract ${result.payment.contractId} (invoice ${result.payment.invoiceId})`);
    return paymentResource(result.payment);
  }

  /** Operators: transfers no invoice matched, newest first. */
  async unmatched(query: ListUnmatchedQuery) {
    const after = query.cursor ? await this.prisma.unmatchedTransfer.findUnique({ where: { id: query.cursor } }) : null;
    const rows = await this.prisma.unmatchedTransfer.findMany({
      where: after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => ({ id: r.id, source: r.source, reference: r.reference, amount: eur(r.amountCents), bookedOn: r.bookedOn, payerName: r.payerName, reason: r.reason, createdAt: r.createdAt.toISOString() })),
      nextCursor: rows.length > query.limit ? page[page.length - 1].id : null,
    };
  }

  /**
   * `POST /v1/bank-statements`: imports camt.053 (.001.02 / .001.08, XML or a ZIP of them). Booked
   * credits are matched like transfers, returned debits booked as returns; every entry's booking
   * key is its statement reference, so importing the same statement again books nothing.
   */
  async importStatement(body: Buffer | undefined, contentType: string | undefined) {
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new ProblemError(HttpStatus.BAD_REQUEST, PaymentProblemCode.MALFORMED_STATEMENT, 'Malformed bank statement', 'Send the camt.053 XML (Content-Type: application/xml) or a ZIP of them (application/zip).');
    }
    let messages: Camt053Statement[];
    try {
      messages = contentType?.startsWith('application/zip') ? parseCamt053Archive(body) : [parseCamt053(body)];
    } catch (error) {
      if (error instanceof Camt053Error) {
        const code = error.code === 'UNSUPPORTED_VERSION' ? PaymentProblemCode.UNSUPPORTED_STATEMENT_VERSION : PaymentProblemCode.MALFORMED_STATEMENT;
        throw new ProblemError(HttpStatus.BAD_REQUEST, code, 'Malformed bank statement', error.message);
      }
      throw error;
    }
    const summary = { imported: 0, matched: 0, duplicates: 0, returns: 0, ignored: 0, unmatched: [] as { entryReference: string; reference: string; amount: ReturnType<typeof eur>; reason: string }[] };
    const latest = new Map<string, ReceivablesSnapshot>();
    /** Contracts a credit was booked on: one snapshot each, read after the loop. */
    const touched = new Set<string>();
    const feeCents = this.config.payments.sepaReturnFeeCents;
    for (const message of messages) {
      for (const statement of message.statements) {
        for (const entry of statement.entries) {
          summary.imported += 1;
          if (entry.status !== 'BOOK' || entry.reversal) {
            summary.ignored += 1;
            continue;
          }
          for (const [index, tx] of entry.transactions.entries()) {
            const sourceKey = `camt/${statement.accountIban}/${entry.entryReference}/${index}`;
            if (entry.direction === 'debit') {
              if (!entry.isReturn || !tx.endToEndId) {
                summary.ignored += 1;
                continue;
              }
              const returned = await bookSepaReturn(this.prisma, { endToEndId: tx.endToEndId, returnedOn: entry.bookedOn, reasonCode: tx.returnReason ?? entry.returnReason ?? null, feeCents }, this.config.issuer.country);
              if (!returned.found) {
                summary.unmatched.push({ entryReference: entry.entryReference, reference: tx.endToEndId, amount: eur(tx.amountCents), reason: 'No collected SEPA debit has this end-to-end id.' });
                continue;
              }
              if (returned.booked) summary.returns += 1;
              else summary.duplicates += 1;
              latest.set(returned.workflowId, returned.snapshot);
              continue;
            }
            const reference = tx.references[0] ?? tx.remittance ?? '';
            const result = await bookTransferInBatch(
              this.prisma,
              { reference: reference || '(none)', amountCents: tx.amountCents, bookedOn: entry.bookedOn, payerName: tx.counterpartyName ?? null, source: 'bank-statement', sourceKey },
              this.config.issuer.country,
            );
            if (!result.matched) {
              summary.unmatched.push({ entryReference: entry.entryReference, reference: tx.remittance, amount: eur(tx.amountCents), reason: result.reason });
              continue;
            }
            if (result.booked) {
              summary.matched += 1;
              touched.add(result.contractId);
              this.metrics?.paymentsBooked.inc({ source: 'bank-statement' });
            } else summary.duplicates += 1;
          }
        }
      }
    }
    // One signal per contract with its newest snapshot, after every booking is committed.
    const contracts = await this.prisma.contract.findMany({ where: { id: { in: [...touched] } }, select: { id: true, workflowId: true } });
    for (const contract of contracts) latest.set(contract.workflowId, await readReceivables(this.prisma, contract.id));
    for (const [workflowId, snapshot] of latest) await this.signals.changed(workflowId, snapshot);
    await this.prisma.bankStatementImport.create({
      data: { id: randomUUID(), messageId: messages.map((m) => m.messageId).join(','), version: messages.map((m) => m.version).join(','), entries: summary.imported, matched: summary.matched, unmatched: summary.unmatched.length },
    });
    this.logger.log(`bank statement ${messages.map((m) => m.messageId).join(',')}: ${summary.imported} entries, ${summary.matched} matched, ${summary.returns} returns, ${summary.duplicates} already booked, ${summary.unmatched.length} unmatched`);
    return summary;
  }

  /** `POST /v1/sepa/returns`: a returned debit entered by an operator. */
  async bookSepaReturn(body: SepaReturnBody) {
    const result = await bookSepaReturn(
      this.prisma,
      { endToEndId: body.endToEndId, returnedOn: body.returnedOn, reasonCode: body.reasonCode ?? null, feeCents: this.config.payments.sepaReturnFeeCents },
      this.config.issuer.country,
    );
    if (!result.found) throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, PaymentProblemCode.UNKNOWN_END_TO_END_ID, 'Unknown debit', `No collected SEPA debit has the end-to-end id ${body.endToEndId}.`);
    await this.announce(result.workflowId, result.snapshot, result.booked);
    return { endToEndId: body.endToEndId, invoiceId: result.invoiceId, contractId: result.contractId, booked: result.booked, fee: eur(result.booked ? this.config.payments.sepaReturnFeeCents : 0) };
  }

  /** `GET /v1/contracts/{id}/statement`: the debtor account. */
  async statement(contractId: string, principal: Principal) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const [entries, receivables] = await Promise.all([this.prisma.ledgerEntry.findMany({ where: { contractId: contract.id }, orderBy: { seq: 'asc' } }), readReceivables(this.prisma, contract.id)]);
    const numbers = await invoiceNumbers(this.prisma, entries.map((e) => e.invoiceId));
    return {
      contractId: contract.id,
      balance: eur(receivables.balanceCents),
      openAmount: eur(receivables.openInvoices.reduce((sum, i) => sum + i.openCents, 0)),
      credit: eur(receivables.creditCents),
      entries: entries.map((e) => ({
        id: e.id,
        type: e.type,
        bookedOn: e.bookedOn,
        amount: eur(e.amountCents),
        invoiceId: e.invoiceId,
        invoiceNumber: e.invoiceId ? (numbers.get(e.invoiceId) ?? null) : null,
        reference: e.reference,
        description: e.description,
      })),
    };
  }

  /** `GET /v1/contracts/{id}/statement/pdf`: the statement as a DIN 5008 letter. */
  async statementPdf(contractId: string, principal: Principal): Promise<{ content: Buffer; fileName: string }> {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    const statementOn = localDateOf(await this.clock.now(), contract.timeZone);
    const content = await renderStatement(this.prisma, this.config.issuer, contract.id, statementOn);
    if (!content) {
      throw new ProblemError(HttpStatus.GONE, PaymentProblemCode.PERSONAL_DATA_DELETED, 'Personal data deleted', 'The statement cannot be addressed: the customer’s personal data is deleted.');
    }
    return { content, fileName: `kontoauszug-${statementOn}.pdf` };
  }

  /** `POST /v1/contracts/{id}/prepayments`: charged through the PSP from the card on file; never refunded. */
  async prepay(contractId: string, body: PrepaymentBody, principal: Principal, idempotencyKey: string | undefined) {
    const contract = await findVisibleContract(this.prisma, contractId, principal);
    if (contract.billingMode !== 'prepaid') throw new ProblemError(HttpStatus.CONFLICT, PaymentProblemCode.NOT_PREPAID, 'Not a prepaid contract', 'Prepayments are for prepaid contracts only.');
    if (contract.status === 'ended') throw new ProblemError(HttpStatus.CONFLICT, 'CONTRACT_ENDED', 'Contract ended', 'The contract has ended.');
    const card = await this.prisma.paymentMethod.findFirst({ where: { contractId: contract.id, revokedAt: null, type: 'card' }, orderBy: { createdAt: 'desc' } });
    if (!card?.pspToken) throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, PaymentProblemCode.NO_CARD_ON_FILE, 'No card on file', 'Add a card first: PUT /v1/contracts/{id}/payment-method { type: "card", pspToken }.');
    const psp = this.psp.current;
    if (!psp) throw new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, PaymentProblemCode.PSP_UNAVAILABLE, 'PSP not ready', 'The PSP is not connected yet; retry.');
    const key = `prepayment/${contract.id}/${idempotencyKey ?? randomUUID()}`;
    let prepayment = await this.prisma.prepayment.findUnique({ where: { idempotencyKey: key } });
    if (!prepayment) {
      const id = randomUUID();
      prepayment = await this.prisma.$transaction(async (tx) => {
        const created = await tx.prepayment.create({ data: { id, contractId: contract.id, amountCents: body.amount.amount, origin: 'customer', status: 'pending', idempotencyKey: key } });
        await tx.cardCharge.create({ data: { id: randomUUID(), contractId: contract.id, prepaymentId: id, psp: psp.name, idempotencyKey: key, reference: id, amountCents: body.amount.amount, status: 'pending' } });
        return created;
      });
    }
    const charge = await this.prisma.cardCharge.findUniqueOrThrow({ where: { idempotencyKey: key } });
    if (!charge.pspPaymentId && charge.status === 'pending') {
      try {
        const accepted = await psp.charge({ idempotencyKey: key, amountCents: charge.amountCents, currency: 'EUR', cardToken: card.pspToken, reference: prepayment.id, contractId: contract.id, description: `Prepayment ${prepayment.id}` });
        await this.prisma.cardCharge.updateMany({ where: { id: charge.id, pspPaymentId: null }, data: { pspPaymentId: accepted.paymentId } });
      } catch (error) {
        if (error instanceof PspError && !error.retryable) {
          await this.prisma.$transaction([
            this.prisma.cardCharge.update({ where: { id: charge.id }, data: { status: 'failed', failureReason: error.code } }),
            this.prisma.prepayment.update({ where: { id: prepayment.id }, data: { status: 'failed' } }),
          ]);
          throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, PaymentProblemCode.CARD_REJECTED, 'Card rejected', `The PSP refused the card: ${error.message}`);
        }
        if (error instanceof PspError) {
          // The PSP's own message stays in the log (it may name hosts); the client learns what to do.
          this.logger.warn(`prepayment ${prepayment.id} of contract ${contract.id}: PSP unavailable (${error.code}: ${error.message})`);
          throw new ProblemError(HttpStatus.SERVICE_UNAVAILABLE, PaymentProblemCode.PSP_UNAVAILABLE, 'PSP unavailable', `The card could not be charged right now (${error.code}); retry with the same Idempotency-Key.`);
        }
        throw error;
      }
    }
    const current = await this.prisma.prepayment.findUniqueOrThrow({ where: { id: prepayment.id } });
    return { id: current.id, contractId: contract.id, amount: eur(current.amountCents), status: current.status, createdAt: current.createdAt.toISOString() };
  }

  /** Operators: SEPA collections (one per due date), optionally of one date. */
  async collections(query: ListCollectionsQuery) {
    const rows = await this.prisma.sepaCollection.findMany({ where: query.dueOn ? { dueOn: query.dueOn } : {}, orderBy: { dueOn: 'desc' }, take: 200 });
    const sums = await this.prisma.sepaDebit.groupBy({ by: ['collectionId'], where: { collectionId: { in: rows.map((r) => r.id) } }, _sum: { amountCents: true }, _count: true });
    const byId = new Map(sums.map((s) => [s.collectionId, s]));
    return {
      items: rows.map((r) => ({
        id: r.id,
        dueOn: r.dueOn,
        messageId: r.messageId,
        debits: byId.get(r.id)?._count ?? 0,
        total: eur(byId.get(r.id)?._sum.amountCents ?? 0),
        createdAt: r.createdAt.toISOString(),
        pain008: `/v1/sepa/collections/${r.id}/pain.008`,
      })),
    };
  }

  /** The collection's pain.008.001.08 message (every debit collected into it, as sent to the bank). */
  async pain008(id: string): Promise<{ content: string; fileName: string }> {
    const collection = isUuid(id) ? await this.prisma.sepaCollection.findUnique({ where: { id } }) : null;
    if (!collection) throw ProblemError.notFound('SEPA collection');
    const debits = await this.prisma.sepaDebit.findMany({ where: { collectionId: collection.id }, orderBy: { endToEndId: 'asc' } });
    const numbers = await invoiceNumbers(this.prisma, debits.map((d) => d.invoiceId));
    const issuer = this.config.issuer;
    try {
      const content = buildPain008({
        messageId: collection.messageId,
        createdAt: collection.createdAt.toISOString(),
        creditor: { name: issuer.name, iban: issuer.iban, bic: issuer.bic, creditorId: issuer.creditorId },
        collectionDate: collection.dueOn,
        debits: debits.map((d) => ({
          endToEndId: d.endToEndId,
          amountCents: d.amountCents,
          mandateReference: d.mandateReference,
          mandateSignedOn: d.mandateSignedOn,
          sequenceType: d.sequenceType === 'FRST' ? 'FRST' : 'RCUR',
          debtorName: d.debtorName,
          debtorIban: d.iban,
          remittanceInformation: `Rechnung ${numbers.get(d.invoiceId) ?? d.invoiceId}`,
        })),
      });
      return { content, fileName: `${collection.messageId}.pain.008.001.08.xml` };
    } catch (error) {
      if (error instanceof SepaInputError) throw new ProblemError(HttpStatus.UNPROCESSABLE_ENTITY, 'SEPA_COLLECTION_INVALID', 'Collection cannot be written', error.message);
      throw error;
    }
  }

  /** Signals the workflow after a booking that changed the account. */
  private async announce(workflowId: string, snapshot: ReceivablesSnapshot, booked: boolean): Promise<void> {
    if (booked) await this.signals.changed(workflowId, snapshot);
  }
}

/** `POST /v1/bank-transfers` answer: the payment and what it paid. */
export function paymentResource(payment: BookedPayment) {
  return {
    paymentId: payment.paymentId,
    contractId: payment.contractId,
    invoiceId: payment.invoiceId,
    applied: payment.applied,
    credit: payment.credit,
    duplicate: !payment.booked,
    balance: eur(payment.snapshot.balanceCents),
  };
}

export { LedgerContractMissingError };
