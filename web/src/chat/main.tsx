import './chat.css';
import { createRoot } from 'react-dom/client';
function App() { return <div className="p-4 text-red-600 dark:text-red-300">hi</div>; }
createRoot(document.getElementById('chat-root')!).render(<App />);
