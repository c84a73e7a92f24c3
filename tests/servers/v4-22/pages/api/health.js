export default function health(req, res) {
  res.status(200).json({ ok: true });
}
