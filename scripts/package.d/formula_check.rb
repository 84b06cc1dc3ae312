# Check the generated Homebrew formula without Homebrew: load it three times with a small
# stand-in for Homebrew's formula DSL (https://docs.brew.sh/Formula-Cookbook), as on macOS,
# Linux x86_64 and Linux arm64, run its `install` method against recording objects, and check
# what it downloads (file name and SHA-256, against dist/'s .sha256 files) and installs.
#
#   ruby scripts/package.d/formula_check.rb FORMULA DIST VERSION
#
# Prints one "ok" line per platform; exits 1 with the reason otherwise.

FORMULA, DIST, VERSION = ARGV
abort "usage: formula_check.rb FORMULA DIST VERSION" unless VERSION

$platform = nil # [:macos or :linux, :intel or :arm]

module OS
  def self.mac? = $platform[0] == :macos
  def self.linux? = $platform[0] == :linux
end

module Hardware
  module CPU
    def self.arm? = $platform[1] == :arm
    def self.intel? = $platform[1] == :intel
  end
end

# A folder of the keg (bin, man1): records what is installed into it.
class KegPath
  def initialize(name, log)
    @name = name
    @log = log
  end

  def /(other) = KegPath.new("#{@name}/#{other}", @log)
  def to_s = @name
  def install(*args) = @log << [:install, @name, args]
end

class Resource
  attr_reader :urls, :sums

  def initialize
    @urls = []
    @sums = []
  end

  def url(value) = @urls << value
  def sha256(value) = @sums << value
  def stage = yield
end

# What the formula's class body declared, for the platform it was last loaded on.
SPEC = {}

class Formula
  class << self
    def spec = SPEC

    def reset!
      SPEC.replace(urls: [], sums: [], deps: [], resources: {})
    end

    def desc(value) = SPEC[:desc] = value
    def homepage(value) = SPEC[:homepage] = value
    def version(value) = SPEC[:version] = value
    def license(value) = SPEC[:license] = value
    def url(value) = SPEC[:urls] << value
    def sha256(value) = SPEC[:sums] << value
    def depends_on(dep) = SPEC[:deps] << dep
    def on_macos = (yield if OS.mac?)
    def on_linux = (yield if OS.linux?)
    def on_intel = (yield if Hardware::CPU.intel?)
    def on_arm = (yield if Hardware::CPU.arm?)
    def test(&block) = SPEC[:test] = block

    def resource(name, &block)
      res = Resource.new
      res.instance_eval(&block)
      SPEC[:resources][name] = res
    end
  end

  attr_reader :log

  def initialize
    @log = []
  end

  def version = self.class.spec[:version]
  def bin = KegPath.new("bin", @log)
  def man1 = KegPath.new("man1", @log)
  def std_cargo_args = ["--locked", "--root", "PREFIX", "--path", "."]
  def system(*args) = @log << [:system, args]
  def chmod(mode, file) = @log << [:chmod, mode, file]
  def resource(name) = self.class.spec[:resources].fetch(name)

  def generate_completions_from_executable(exe, *args, shells:)
    @log << [:completions, exe.to_s, args, shells]
  end
end

def check(cond, msg)
  abort "formula_check: #{FORMULA}: #{msg}" unless cond
end

# The SHA-256 that dist/ lists for FILE.
def dist_sum(file)
  path = File.join(DIST, "#{file}.sha256")
  check(File.file?(path), "no #{path}")
  sum, name = File.read(path).split
  check(name == file, "#{path} is for #{name}")
  sum
end

# The one url and sha256 of SPEC name FILE, as released.
def check_download(urls, sums, file, what)
  check(urls.size == 1 && sums.size == 1, "#{what}: #{urls.size} urls and #{sums.size} sha256 lines, expected one each")
  check(File.basename(urls[0]) == file, "#{what}: downloads #{urls[0]}, expected .../#{file}")
  check(sums[0] == dist_sum(file), "#{what}: sha256 #{sums[0]} is not #{file}'s")
end

platforms = {
  "macOS" => [[:macos, :arm], "okta-aws-cli-#{VERSION}-src.tar.gz"],
  "Linux x86_64" => [[:linux, :intel], "okta-aws-cli-#{VERSION}-x86_64-unknown-linux-musl"],
  "Linux arm64" => [[:linux, :arm], "okta-aws-cli-#{VERSION}-aarch64-unknown-linux-musl"],
}
platforms.each do |label, (platform, file)|
  $platform = platform
  Formula.reset!
  Object.send(:remove_const, :OktaAwsCli) if Object.const_defined?(:OktaAwsCli)
  load FORMULA
  check(Object.const_defined?(:OktaAwsCli), "defines no OktaAwsCli class")
  spec = OktaAwsCli.spec
  check(spec[:version] == VERSION, "version #{spec[:version].inspect}, expected #{VERSION}")
  check(spec[:license] == "Apache-2.0", "license #{spec[:license].inspect}")
  check(spec[:test], "no test block")
  check_download(spec[:urls], spec[:sums], file, label)
  man = spec[:resources]["man-page"]
  check(man, "no man-page resource")
  check_download(man.urls, man.sums, "okta-aws-cli.1", "#{label} man page")
  rust = spec[:deps].include?({ "rust" => :build })
  check(rust == (platform[0] == :macos), "#{label}: depends_on rust => :build is #{rust}")

  formula = OktaAwsCli.new
  formula.install
  log = formula.log
  if platform[0] == :macos
    check(log.include?([:system, ["cargo", "install", *formula.std_cargo_args]]), "#{label}: no cargo install")
  else
    check(log.include?([:chmod, 0o755, file]), "#{label}: #{file} not made executable")
    check(log.include?([:install, "bin", [{ file => "okta-aws-cli" }]]), "#{label}: #{file} not installed as bin/okta-aws-cli")
  end
  check(log.include?([:completions, "bin/okta-aws-cli", ["completion"], [:bash, :zsh, :fish]]),
        "#{label}: no bash, zsh and fish completions from `okta-aws-cli completion SHELL`")
  check(log.include?([:install, "man1", ["okta-aws-cli.1"]]), "#{label}: man page not installed")
  puts "ok: #{FORMULA} on #{label}: #{file} with its SHA-256, completions, man page"
end
