// A page's one h1 and its document title; after a navigation focus moves to it, so screen readers hear the new page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let firstPage = true;

export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Tributary console`;
  }, [title]);
  useEffect(() => {
    // Not on the first page of a visit: there the browser's own start (top of the document) is right.
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, []);
  return (
    <div class="page-heading">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
