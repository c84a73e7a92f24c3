fn main() {
    eprintln!("authjs CLI: not built yet");
    std::process::exit(2);
}
