// Any /console address no page answers: says so and links back.
import { PageHeading } from '../components/page-heading';

export function NotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>
        There is no console page at this address. <a href="/console">Go to the overview</a>.
      </p>
    </>
  );
}
