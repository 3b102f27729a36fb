import type { ContractCommand, ContractFact, ContractNotice, ContractState } from './contract-state';

/** Next revision: every applied event gets one, so side-effect steps are unique. */
export function bump(state: ContractState): ContractState {
  return { ...state, revision: state.revision + 1 };
}

export function notify(state: ContractState, notice: ContractNotice): ContractCommand {
  return { type: 'notify', step: `r${state.revision}/${notice.template}`, notice };
}

export function record(state: ContractState, fact: ContractFact): ContractCommand {
  return { type: 'record', step: `r${state.revision}/fact/${fact.type}`, fact };
}
