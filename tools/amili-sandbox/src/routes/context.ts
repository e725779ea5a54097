import { type StateStore } from '../state/store';

/** What the route modules share. */
export interface RouteContext {
  store: StateStore;
}

export interface IdParams {
  id: string;
}
