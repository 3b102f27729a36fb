import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs';
import { contractLogFields } from './log-fields';
import type { RoutedRequest } from './request-context';
import { contractOfRequest, rememberContractOfAnswer } from './request-context';

/**
 * Adds `contractId` and `workflowId` to every log line a handler writes when its route names a
 * contract; a contract the answer names is remembered for the request's final log line.
 */
@Injectable()
export class ContractLogContextInterceptor implements NestInterceptor {
  constructor(private readonly logger: PinoLogger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RoutedRequest>();
    const contractId = contractOfRequest(request);
    if (contractId) this.logger.assign(contractLogFields(contractId));
    return next.handle().pipe(
      tap((body) => {
        if (!contractId) rememberContractOfAnswer(request, body);
      }),
    );
  }
}
