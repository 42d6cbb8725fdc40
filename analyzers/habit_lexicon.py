"""The cue lists of the habits analyzer: words, phrases, hashtags and emoji per interest.

Words are base forms: the matcher also accepts their plural and -ing/-ed forms (see
`analyzers.habits._word_forms`), so list "hike", not "hiking". Phrases are matched on whole
words, in order, before single words; the words of a matched phrase count for no other cue
("book club" is studying, not a club night). A hashtag is split into words
(`analyzers.captions.segment_hashtag`: "#travelgram" -> "travel gram") and matched like caption
words; `hashtags` lists whole tags the splitter would cut wrongly ("#ootd") and a few Persian
tags (hashtags only: Persian captions are not tokenised). Words deliberately
left out because they mislead more than they help ("game", "watch", "read", "run", "hair",
"wild", "fit", "final", "plant") are noted in analyzers/models/HABITS.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cues:
    words: frozenset[str]
    phrases: tuple[str, ...] = ()
    hashtags: frozenset[str] = frozenset()
    emoji: frozenset[str] = frozenset()


def _cues(words: str, phrases: str = "", hashtags: str = "", emoji: str = "") -> Cues:
    """Build Cues from whitespace-separated words, '|'-separated phrases and emoji strings."""
    return Cues(
        words=frozenset(words.split()),
        phrases=tuple(p.strip() for p in phrases.split("|") if p.strip()),
        hashtags=frozenset(hashtags.split()),
        emoji=frozenset(emoji.split()),
    )


LEXICON: dict[str, Cues] = {
    "travel": _cues(
        "travel traveler traveller trip vacation journey expedition flight airport passport "
        "hotel hostel wanderlust abroad tourist tourism sightseeing backpack backpacking exploring "
        "adventure roadtrip layover itinerary",
        "road trip|leaving for|on my way to|on the way to|back from|flying to|fly to|"
        "headed to|heading to|going back to|holiday in",
        "travelgram instatravel wanderer passportready traveltheworld سفر گردشگری",
        "✈ ✈️ 🧳 🗺 🗺️ 🌍 🌎 🌏 🏝 🏝️",
    ),
    "fitness": _cues(
        "gym workout exercise fitness yoga pilates jog marathon triathlon cycling swimming "
        "hike climb climbing mountaineer mountaineering sport sports athlete football soccer "
        "basketball baseball hockey tennis golf volleyball rugby cricket boxing judo karate "
        "wrestling surf surfing ski skiing snowboard snowboarding diving scuba crossfit "
        "powerlifting weightlifting lifting squat cardio abs bodybuilding touchdown playoff "
        "playoffs nfl nba mlb nhl fifa worldcup league stadium",
        "half marathon|went for a run|morning run|go for a run|bike ride|world cup|super bowl|"
        "world series|work out|get ripped|cheering on",
        "fitfam fitlife fitspo gymlife fitnessmotivation ورزشی ورزش فوتبال",
        "🏋 🏋️ ⚽ ⚽️ 🏀 🏈 ⚾ 🎾 🏐 🏃 🏃‍♀️ 🏃‍♂️ 🚴 🏊 🧘 🥊 🏄 ⛷ 🏆",
    ),
    "food": _cues(
        "food foodie eat ate dinner lunch breakfast brunch supper meal cook cooking bake baking "
        "recipe restaurant delicious yummy tasty hungry pizza burger sushi cake cupcake cookie "
        "chocolate pasta curry bbq barbecue steak taco sandwich soup salad dessert strawberry "
        "chef culinary snack pie pancake bacon cheese bread grocery groceries noodle ramen "
        "icecream bakery foodporn",
        "ice cream|mac and cheese|eating out",
        "foodstagram instafood foodgasm غذا آشپزی",
        "🍕 🍔 🍟 🍣 🍜 🍝 🍰 🎂 🍩 🍪 🥗 🌮 🍳 🥞 🍦 🧁 🍽 🍽️ 😋",
    ),
    "coffee": _cues(
        "coffee espresso latte cappuccino mocha starbucks cafe café caffeine frappuccino "
        "americano barista macchiato",
        "",
        "coffeetime coffeelover butfirstcoffee قهوه کافه",
        "☕ ☕️",
    ),
    "nightlife": _cues(
        "party partying club clubbing nightclub bar pub beer wine vodka tequila whiskey booze "
        "drunk hangover cocktail rave nye",
        "happy hour|night out|going out|new year's eve|new years eve|new year’s eve",
        "partytime nightlife",
        "🍻 🍺 🍸 🍹 🥂 🍷 🎉 🥳 🪩",
    ),
    "studying": _cues(
        "study studying exam exams finals midterm midterms homework assignment essay "
        "class lecture thesis dissertation professor semester college university campus "
        "student grad library book novel reading learn learning tutorial course physics chemistry "
        "chem math biology phd education",
        "book club|grad school|high school|science fair|for school|back to school",
        "bookstagram studygram 100daysofcode کتاب دانشگاه",
        "📚 📖 📝 🎓",
    ),
    "pets": _cues(
        "pet dog puppy doggy doggo cat kitten kitty hamster bunny parrot goldfish",
        "my dog|my cat",
        "dogsofinstagram catsofinstagram petsofinstagram سگ گربه",
        "🐶 🐕 🐱 🐈 🐾 🐩 🐹 🐰",
    ),
    "music": _cues(
        "music song songs band album concert gig guitar piano drum drums singing singer lyrics "
        "playlist spotify itunes ipod radio dj rap hiphop jazz orchestra symphony choir dance "
        "dancing rockband soundcloud musician",
        "rock band|hip hop|new music|on repeat",
        "applemusic musiclover موسیقی کنسرت آهنگ رقص",
        "🎵 🎶 🎸 🎹 🎧 🎤 🥁 🎷 🎻 💃 🕺",
    ),
    "fashion": _cues(
        "fashion outfit ootd dress shoe shoes heels pumps sneakers jeans makeup lipstick nails "
        "haircut shopping wardrobe jewelry jewellery streetwear menswear womenswear clothes "
        "boots handbag",
        "new outfit",
        "ootdmen lookoftheday fashiongram مد",
        "👗 👠 👟 💄 👜 👒 💅",
    ),
    "art": _cues(
        "art artist artwork painting drawing sketch illustration sculpture museum gallery "
        "exhibition mural craft crafts theatre theater ballet graphicdesign",
        "art project|art projects",
        "modernart contemporaryart هنر نقاشی",
        "🎨 🖌 🖼",
    ),
    "gaming": _cues(
        "gaming gamer xbox playstation ps3 ps4 ps5 wii nintendo farmville halo poker chess "
        "videogame videogames esports rockband",
        "video game|video games|board game|board games|world of warcraft|rock band",
        "",
        "🎮 🕹 🕹️ 🎲 ♟",
    ),
    "nature": _cues(
        "nature wildlife wilderness animal ocean sea forest rainforest river lake beach desert "
        "glacier volcano mountain mountains island tree flower garden sunset "
        "sunrise thunderstorm thunder storm snow outdoors hike hiking camping trail conservation "
        "climate ecosystem environment wolf bear elephant giraffe lion tiger leopard shark whale "
        "bird eagle moose deer lemur penguin snake cobra puffin jellyfish squirrel duck raccoon "
        "chipmunk gazelle zebra pangolin",
        "national park|milky way|global warming|natural world",
        "getoutside naturelovers campaignfornature طبیعت",
        "🌲 🌳 🌊 ⛰ ⛰️ 🏔 🌿 🌸 🌻 🌅 🌄 🦁 🐘 🦒 🐻 🐺 🦅 🐋",
    ),
    "movies_tv": _cues(
        "movie movies film films cinema netflix dvd tv television episode anime sitcom "
        "youtube hbo watching watched",
        "season finale|tv show",
        "فیلم سینما",
        "🎬 🍿 📺",
    ),
    "tech": _cues(
        "tech technology programming programmer coding code coder software developer computer "
        "datascience python javascript java html css sql app apps android iphone imac laptop "
        "gadget blockchain crypto cryptocurrency bitcoin iot robot robotics algorithm github "
        "linux data ai ml bigdata",
        "data science|machine learning|artificial intelligence|deep learning|neural network",
        "webdev webdevelopment artificialintelligence machinelearning deeplearning فناوری "
        "تکنولوژی اپلیکیشن",
        "💻 🖥 🤖",
    ),
}
"""Habit id -> its cues. Ids beyond the issue's list: `movies_tv`, `tech` (GUIDELINE.md)."""

EXCLUDED_PHRASES: tuple[str, ...] = (
    "food for thought",
    "coffee table",
    "political party",
    "state of the art",
    "state-of-the-art",
    "music to my ears",
    "early bird",
    "bar none",
    "the wild card",
    "hot dog",
    "bear with",
    "bear in mind",
    "middle class",
    "working class",
    "world class",
    "world-class",
    "upper class",
    "learn more",
    "learn about",
    "one study",
    "a study",
    "new study",
    "the study",
    "studies show",
)
"""Idioms removed before matching: they use a cue word in another sense."""

STYLE_HABITS: dict[str, str] = {
    "food": "food",
    "cute_animals": "pets",
    "sports": "fitness",
    "party": "nightlife",
    "studying": "studying",
    "illustration": "art",
    "adventure": "nature",
    "colorful_sky": "nature",
}
"""Photo style id -> the habit a confident photo of that style shows."""
