import { type CallLog } from '../calls';
import { type StateStore } from '../state/store';

/** What the route modules share. */
export interface RouteContext {
  store: StateStore;
  calls: CallLog;
}

export interface IdParams {
  id: string;
}
