import { RecordingsPage } from "../components/RecordingsPage";

export default function Home() {
  return <RecordingsPage />;
}
