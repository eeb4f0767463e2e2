import { notify, type NotifyInput } from '#workflow/notify.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, (rt, event: NotifyInput) =>
    notify(
      {
        store: rt.store,
        clock: rt.clock,
        mailer: rt.mailer,
        recipients: rt.recipients,
        linkTo: rt.linkTo,
      },
      event,
    ),
  );

export const handler = makeHandler(awsDeps());
