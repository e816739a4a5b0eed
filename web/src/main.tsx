import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { forgetKey, storedKey, storeKey } from './api.ts';
import { Corridors } from './pages/corridors.tsx';
import { Overview } from './pages/overview.tsx';
import { Payments } from './pages/payments.tsx';
import { Settlement } from './pages/settlement.tsx';

/** The pages, in navigation order; those without a view yet say so. Each has its own URL (#/id). */
const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'payments', title: 'Payments' },
  { id: 'settlement', title: 'Settlement' },
  { id: 'fx', title: 'FX' },
  { id: 'trades', title: 'Trades & documents' },
  { id: 'corridors', title: 'Corridors' },
  { id: 'participants', title: 'Participants & keys' },
  { id: 'audit', title: 'Audit log' },
] as const;
const READY = new Set<string>(['overview', 'payments', 'settlement', 'corridors']);

/** The route in the URL's fragment: `#/payments/<id>` is page `payments` with argument `<id>`. */
function currentRoute(): { page: string; arg: string | undefined } {
  const [page = '', arg] = location.hash.replace(/^#\/?/, '').split('/');
  return {
    page: page === '' ? 'overview' : page,
    arg: arg === undefined ? undefined : decodeURIComponent(arg),
  };
}

function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

type Theme = 'light' | 'dark';
const THEME_ITEM = 'vostro.theme';

function initialTheme(): Theme {
  const stored = localStorage.getItem(THEME_ITEM);
  if (stored === 'light' || stored === 'dark') return stored;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  const toggle = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_ITEM, next);
    setTheme(next);
  };
  return [theme, toggle];
}

function SignIn({ onSignIn }: { onSignIn: () => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!/^vostro_[0-9a-f]{16}_\S+$/.test(trimmed)) {
      setProblem('An API key looks like vostro_<key id>_<secret>.');
      return;
    }
    // Any key may read its own events: a 401 there means the key itself is refused.
    const response = await fetch('/v1/events?limit=1', {
      headers: { authorization: `Bearer ${trimmed}` },
    });
    if (response.status === 401) {
      setProblem('The hub refused this key (unknown, revoked or expired).');
      return;
    }
    storeKey(trimmed);
    onSignIn();
  };
  return (
    <main class="signin">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="signin-title">
        <h1 id="signin-title">vostro</h1>
        <p>
          India–Russia clearing hub. Sign in with an API key: it is kept in this tab only and
          forgotten when the tab closes.
        </p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          required
        />
        {problem === undefined ? null : (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function ComesNext({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p class="notice">This page comes next: issue 16 lists what it will show.</p>
    </section>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(storedKey() !== undefined);
  const [theme, toggleTheme] = useTheme();
  const route = useRoute();
  if (!signedIn) return <SignIn onSignIn={() => setSignedIn(true)} />;
  const page = PAGES.find((candidate) => candidate.id === route.page);
  const signOut = () => {
    forgetKey();
    setSignedIn(false);
  };
  return (
    <div class="layout">
      <a
        class="skip"
        href="#content"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('content')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <span class="brand">vostro</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((item) => (
              <li key={item.id}>
                <a href={`#/${item.id}`} aria-current={item.id === page?.id ? 'page' : undefined}>
                  {item.title}
                  {READY.has(item.id) ? null : <span class="soon"> (comes next)</span>}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="tools">
          <button
            type="button"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="content" tabIndex={-1}>
        {page === undefined ? (
          <section>
            <h1>Not found</h1>
            <p class="notice">No page called “{route.page}”.</p>
          </section>
        ) : page.id === 'overview' ? (
          <Overview />
        ) : page.id === 'payments' ? (
          <Payments transferId={route.arg} />
        ) : page.id === 'settlement' ? (
          <Settlement />
        ) : page.id === 'corridors' ? (
          <Corridors />
        ) : (
          <ComesNext title={page.title} />
        )}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
